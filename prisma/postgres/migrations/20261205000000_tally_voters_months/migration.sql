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
    "day" TIMESTAMP(3) NOT NULL,
    "meetingId" INTEGER NOT NULL,
    "ward" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "authority" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "n" INTEGER NOT NULL,
    "voters" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "PetitionTallyMonth_pkey" PRIMARY KEY ("day","meetingId","ward","status","authority","field")
);

-- Rebuild (hand-written): the tally recounted from the petitions, voters included, with no
-- delta left pending from before the column existed.
DELETE FROM "PetitionTallyDelta";
DELETE FROM "PetitionTally";
INSERT INTO "PetitionTally" ("day", "meetingId", "ward", "status", "authority", "field", "n", "voters")
SELECT "petition_tally_day"("receivedAt"), coalesce("meetingId", 0), coalesce("ward", ''), "status",
       coalesce("authority", ''), coalesce("field", ''), count(*), sum("voters")
FROM "Petition"
GROUP BY 1, 2, 3, 4, 5, 6;

-- The start of the local month (UTC+7) of a tally day.
CREATE FUNCTION "petition_tally_month"(day timestamp(3)) RETURNS timestamp(3) LANGUAGE sql IMMUTABLE
  AS $$ SELECT date_trunc('month', day + interval '7 hours') - interval '7 hours' $$;

INSERT INTO "PetitionTallyMonth" ("day", "meetingId", "ward", "status", "authority", "field", "n", "voters")
SELECT "petition_tally_month"("day"), "meetingId", "ward", "status", "authority", "field", sum("n"), sum("voters")
FROM "PetitionTally"
GROUP BY 1, 2, 3, 4, 5, 6;

-- Trigger functions (hand-written): as before, with each petition's voters beside its count.
-- The bodies are E'' strings spelling their semicolons as \x3B (see the tally migration).
CREATE OR REPLACE FUNCTION "petition_tally_insert"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "PetitionTallyDelta" ("day", "meetingId", "ward", "status", "authority", "field", "n", "voters")
    SELECT "petition_tally_day"("receivedAt"), coalesce("meetingId", 0), coalesce("ward", \'\'), "status",
           coalesce("authority", \'\'), coalesce("field", \'\'), count(*), sum("voters")
    FROM "petition_tally_new"
    GROUP BY 1, 2, 3, 4, 5, 6\x3B
  RETURN NULL\x3B
END';

CREATE OR REPLACE FUNCTION "petition_tally_update"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "PetitionTallyDelta" ("day", "meetingId", "ward", "status", "authority", "field", "n", "voters")
  SELECT "day", "meetingId", "ward", "status", "authority", "field", sum("n"), sum("voters") FROM (
    SELECT "petition_tally_day"("receivedAt"), coalesce("meetingId", 0), coalesce("ward", \'\'), "status",
           coalesce("authority", \'\'), coalesce("field", \'\'), 1, "voters"
    FROM "petition_tally_new"
    UNION ALL
    SELECT "petition_tally_day"("receivedAt"), coalesce("meetingId", 0), coalesce("ward", \'\'), "status",
           coalesce("authority", \'\'), coalesce("field", \'\'), -1, -"voters"
    FROM "petition_tally_old"
  ) AS changes ("day", "meetingId", "ward", "status", "authority", "field", "n", "voters")
  GROUP BY 1, 2, 3, 4, 5, 6
  HAVING sum("n") <> 0 OR sum("voters") <> 0\x3B
  RETURN NULL\x3B
END';

CREATE OR REPLACE FUNCTION "petition_tally_delete"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "PetitionTallyDelta" ("day", "meetingId", "ward", "status", "authority", "field", "n", "voters")
    SELECT "petition_tally_day"("receivedAt"), coalesce("meetingId", 0), coalesce("ward", \'\'), "status",
           coalesce("authority", \'\'), coalesce("field", \'\'), -count(*), -sum("voters")
    FROM "petition_tally_old"
    GROUP BY 1, 2, 3, 4, 5, 6\x3B
  RETURN NULL\x3B
END';
