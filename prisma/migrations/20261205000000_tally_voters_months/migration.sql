-- DropIndex
DROP INDEX "Petition_field_idx";

-- CreateIndex
CREATE INDEX "Petition_field_receivedAt_idx" ON "Petition"("field", "receivedAt");

-- AlterTable
ALTER TABLE "PetitionTally" ADD COLUMN "voters" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "PetitionTallyDelta" ADD COLUMN "voters" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "PetitionTallyMonth" (
    "day" DATETIME NOT NULL,
    "meetingId" INTEGER NOT NULL,
    "ward" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "authority" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "n" INTEGER NOT NULL,
    "voters" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("day", "meetingId", "ward", "status", "authority", "field")
);

-- Rebuild (hand-written): the tally recounted from the petitions, voters included, with no
-- delta left pending from before the column existed.
DELETE FROM "PetitionTallyDelta";
DELETE FROM "PetitionTally";
INSERT INTO "PetitionTally" ("day", "meetingId", "ward", "status", "authority", "field", "n", "voters")
SELECT strftime('%Y-%m-%dT%H:%M:%f+00:00', date("receivedAt", '+7 hours'), '-7 hours'),
       coalesce("meetingId", 0), coalesce("ward", ''), "status", coalesce("authority", ''), coalesce("field", ''),
       count(*), sum("voters")
FROM "Petition"
GROUP BY 1, 2, 3, 4, 5, 6;

-- The month is the local one (UTC+7) written as its first local midnight, like the days.
INSERT INTO "PetitionTallyMonth" ("day", "meetingId", "ward", "status", "authority", "field", "n", "voters")
SELECT strftime('%Y-%m-%dT%H:%M:%f+00:00', date("day", '+7 hours', 'start of month'), '-7 hours'),
       "meetingId", "ward", "status", "authority", "field", sum("n"), sum("voters")
FROM "PetitionTally"
GROUP BY 1, 2, 3, 4, 5, 6;

-- Triggers (hand-written): as before, with each petition's voters beside its count.
DROP TRIGGER "Petition_tally_insert";
DROP TRIGGER "Petition_tally_update";
DROP TRIGGER "Petition_tally_delete";

CREATE TRIGGER "Petition_tally_insert" AFTER INSERT ON "Petition"
BEGIN
  INSERT INTO "PetitionTallyDelta" ("day", "meetingId", "ward", "status", "authority", "field", "n", "voters")
  VALUES (strftime('%Y-%m-%dT%H:%M:%f+00:00', date(NEW."receivedAt", '+7 hours'), '-7 hours'),
          coalesce(NEW."meetingId", 0), coalesce(NEW."ward", ''), NEW."status", coalesce(NEW."authority", ''),
          coalesce(NEW."field", ''), 1, NEW."voters");
END;

CREATE TRIGGER "Petition_tally_update" AFTER UPDATE OF "receivedAt", "meetingId", "ward", "status", "authority", "field", "voters" ON "Petition"
WHEN OLD."receivedAt" IS NOT NEW."receivedAt" OR OLD."meetingId" IS NOT NEW."meetingId" OR OLD."ward" IS NOT NEW."ward"
  OR OLD."status" IS NOT NEW."status" OR OLD."authority" IS NOT NEW."authority" OR OLD."field" IS NOT NEW."field"
  OR OLD."voters" IS NOT NEW."voters"
BEGIN
  INSERT INTO "PetitionTallyDelta" ("day", "meetingId", "ward", "status", "authority", "field", "n", "voters")
  VALUES (strftime('%Y-%m-%dT%H:%M:%f+00:00', date(OLD."receivedAt", '+7 hours'), '-7 hours'),
          coalesce(OLD."meetingId", 0), coalesce(OLD."ward", ''), OLD."status", coalesce(OLD."authority", ''),
          coalesce(OLD."field", ''), -1, -OLD."voters"),
         (strftime('%Y-%m-%dT%H:%M:%f+00:00', date(NEW."receivedAt", '+7 hours'), '-7 hours'),
          coalesce(NEW."meetingId", 0), coalesce(NEW."ward", ''), NEW."status", coalesce(NEW."authority", ''),
          coalesce(NEW."field", ''), 1, NEW."voters");
END;

CREATE TRIGGER "Petition_tally_delete" AFTER DELETE ON "Petition"
BEGIN
  INSERT INTO "PetitionTallyDelta" ("day", "meetingId", "ward", "status", "authority", "field", "n", "voters")
  VALUES (strftime('%Y-%m-%dT%H:%M:%f+00:00', date(OLD."receivedAt", '+7 hours'), '-7 hours'),
          coalesce(OLD."meetingId", 0), coalesce(OLD."ward", ''), OLD."status", coalesce(OLD."authority", ''),
          coalesce(OLD."field", ''), -1, -OLD."voters");
END;
