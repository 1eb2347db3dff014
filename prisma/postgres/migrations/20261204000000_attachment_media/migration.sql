-- A voice message's length as the platform reported it, and a file's size once downloaded:
-- the too-long check before any download, and what /kn shows of a petition's files.
ALTER TABLE "Attachment" ADD COLUMN "durationSeconds" INTEGER;
ALTER TABLE "Attachment" ADD COLUMN "sizeBytes" INTEGER;
