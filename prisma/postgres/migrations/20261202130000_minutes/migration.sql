-- Petitions entered by staff from the minutes of a meeting: speaker, source and voter count.
ALTER TABLE "Petition" ADD COLUMN "legalBasis" TEXT;
ALTER TABLE "Petition" ADD COLUMN "speaker" TEXT;
ALTER TABLE "Petition" ADD COLUMN "speakerArea" TEXT;
ALTER TABLE "Petition" ADD COLUMN "voters" INTEGER NOT NULL DEFAULT 1;
ALTER TABLE "Petition" ADD COLUMN "sourceFile" TEXT;
ALTER TABLE "Petition" ADD COLUMN "sourcePosition" TEXT;
