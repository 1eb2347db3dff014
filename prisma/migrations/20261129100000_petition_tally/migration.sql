-- AlterTable
ALTER TABLE "Petition" ADD COLUMN "ward" TEXT;

-- CreateTable
CREATE TABLE "PetitionTally" (
    "day" DATETIME NOT NULL,
    "meetingId" INTEGER NOT NULL,
    "ward" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "authority" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "n" INTEGER NOT NULL,

    PRIMARY KEY ("day", "meetingId", "ward", "status", "authority", "field")
);

-- CreateTable
CREATE TABLE "PetitionTallyDelta" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "day" DATETIME NOT NULL,
    "meetingId" INTEGER NOT NULL,
    "ward" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "authority" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "n" INTEGER NOT NULL
);

-- CreateIndex
CREATE INDEX "PetitionTally_meetingId_idx" ON "PetitionTally"("meetingId");

-- CreateIndex
CREATE INDEX "PetitionTally_ward_idx" ON "PetitionTally"("ward");


-- Backfill (hand-written): the ward each petition's voter gave, then the tally as a
-- GROUP BY over the petitions. Before the triggers, so nothing is counted twice.
UPDATE "Petition" SET "ward" = (SELECT "ward" FROM "Voter" WHERE "Voter"."id" = "Petition"."voterId")
WHERE "voterId" IS NOT NULL;

-- The day is the start of the local calendar day in Asia/Ho_Chi_Minh (UTC+7, no DST), written
-- in the text form Prisma's SQLite adapter gives DateTime values, so Prisma's comparisons hold.
INSERT INTO "PetitionTally" ("day", "meetingId", "ward", "status", "authority", "field", "n")
SELECT strftime('%Y-%m-%dT%H:%M:%f+00:00', date("receivedAt", '+7 hours'), '-7 hours'),
       coalesce("meetingId", 0), coalesce("ward", ''), "status", coalesce("authority", ''), coalesce("field", ''), count(*)
FROM "Petition"
GROUP BY 1, 2, 3, 4, 5, 6;

-- Triggers (hand-written): every writer (Prisma, createMany, raw SQL) appends +1/-1 deltas, and
-- src/stats/tally.ts folds them into PetitionTally.
CREATE TRIGGER "Petition_tally_insert" AFTER INSERT ON "Petition"
BEGIN
  INSERT INTO "PetitionTallyDelta" ("day", "meetingId", "ward", "status", "authority", "field", "n")
  VALUES (strftime('%Y-%m-%dT%H:%M:%f+00:00', date(NEW."receivedAt", '+7 hours'), '-7 hours'),
          coalesce(NEW."meetingId", 0), coalesce(NEW."ward", ''), NEW."status", coalesce(NEW."authority", ''), coalesce(NEW."field", ''), 1);
END;

CREATE TRIGGER "Petition_tally_update" AFTER UPDATE OF "receivedAt", "meetingId", "ward", "status", "authority", "field" ON "Petition"
WHEN OLD."receivedAt" IS NOT NEW."receivedAt" OR OLD."meetingId" IS NOT NEW."meetingId" OR OLD."ward" IS NOT NEW."ward"
  OR OLD."status" IS NOT NEW."status" OR OLD."authority" IS NOT NEW."authority" OR OLD."field" IS NOT NEW."field"
BEGIN
  INSERT INTO "PetitionTallyDelta" ("day", "meetingId", "ward", "status", "authority", "field", "n")
  VALUES (strftime('%Y-%m-%dT%H:%M:%f+00:00', date(OLD."receivedAt", '+7 hours'), '-7 hours'),
          coalesce(OLD."meetingId", 0), coalesce(OLD."ward", ''), OLD."status", coalesce(OLD."authority", ''), coalesce(OLD."field", ''), -1),
         (strftime('%Y-%m-%dT%H:%M:%f+00:00', date(NEW."receivedAt", '+7 hours'), '-7 hours'),
          coalesce(NEW."meetingId", 0), coalesce(NEW."ward", ''), NEW."status", coalesce(NEW."authority", ''), coalesce(NEW."field", ''), 1);
END;

CREATE TRIGGER "Petition_tally_delete" AFTER DELETE ON "Petition"
BEGIN
  INSERT INTO "PetitionTallyDelta" ("day", "meetingId", "ward", "status", "authority", "field", "n")
  VALUES (strftime('%Y-%m-%dT%H:%M:%f+00:00', date(OLD."receivedAt", '+7 hours'), '-7 hours'),
          coalesce(OLD."meetingId", 0), coalesce(OLD."ward", ''), OLD."status", coalesce(OLD."authority", ''), coalesce(OLD."field", ''), -1);
END;
