-- Model usage per day and feature, and what speech-to-text or a vision model read from an attachment.
ALTER TABLE "Attachment" ADD COLUMN "readText" TEXT;
ALTER TABLE "Attachment" ADD COLUMN "readStatus" TEXT;

CREATE TABLE "LlmUsage" (
    "day" TEXT NOT NULL,
    "feature" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "tokensIn" INTEGER NOT NULL DEFAULT 0,
    "tokensOut" INTEGER NOT NULL DEFAULT 0,
    "truncated" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "LlmUsage_pkey" PRIMARY KEY ("day", "feature", "model")
);
