-- AlterTable
ALTER TABLE "Petition" ADD COLUMN     "ward" TEXT;

-- CreateTable
CREATE TABLE "PetitionTally" (
    "day" TIMESTAMP(3) NOT NULL,
    "meetingId" INTEGER NOT NULL,
    "ward" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "authority" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "n" INTEGER NOT NULL,

    CONSTRAINT "PetitionTally_pkey" PRIMARY KEY ("day","meetingId","ward","status","authority","field")
);

-- CreateTable
CREATE TABLE "PetitionTallyDelta" (
    "id" SERIAL NOT NULL,
    "day" TIMESTAMP(3) NOT NULL,
    "meetingId" INTEGER NOT NULL,
    "ward" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "authority" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "n" INTEGER NOT NULL,

    CONSTRAINT "PetitionTallyDelta_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PetitionTally_meetingId_idx" ON "PetitionTally"("meetingId");

-- CreateIndex
CREATE INDEX "PetitionTally_ward_idx" ON "PetitionTally"("ward");


-- Backfill (hand-written): the ward each petition's voter gave, then the tally as a
-- GROUP BY over the petitions. Before the triggers, so nothing is counted twice.
UPDATE "Petition" p SET "ward" = v."ward" FROM "Voter" v WHERE p."voterId" = v."id" AND v."ward" IS NOT NULL;

-- The start of the local calendar day in Asia/Ho_Chi_Minh (UTC+7, no DST) of a timestamp
-- stored as UTC without a zone.
CREATE FUNCTION "petition_tally_day"(at timestamp(3)) RETURNS timestamp(3) LANGUAGE sql IMMUTABLE
  AS $$ SELECT date_trunc('day', at + interval '7 hours') - interval '7 hours' $$;

INSERT INTO "PetitionTally" ("day", "meetingId", "ward", "status", "authority", "field", "n")
SELECT "petition_tally_day"("receivedAt"), coalesce("meetingId", 0), coalesce("ward", ''), "status",
       coalesce("authority", ''), coalesce("field", ''), count(*)
FROM "Petition"
GROUP BY 1, 2, 3, 4, 5, 6;

-- Triggers (hand-written): every writer (Prisma, createMany, raw SQL) appends deltas, one
-- row per key and statement: statement-level, over the transition tables, so a bulk insert
-- of a million rows appends a few thousand deltas. src/stats/tally.ts folds them into
-- PetitionTally. An UPDATE that changes no counted column cancels out and appends nothing.
-- @prisma/adapter-pg 6.19 runs a migration by splitting it at every semicolon, quoted or
-- not, so the function bodies are E'' strings that spell theirs as \x3B (and no comment here
-- may hold one).
CREATE FUNCTION "petition_tally_insert"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "PetitionTallyDelta" ("day", "meetingId", "ward", "status", "authority", "field", "n")
    SELECT "petition_tally_day"("receivedAt"), coalesce("meetingId", 0), coalesce("ward", \'\'), "status",
           coalesce("authority", \'\'), coalesce("field", \'\'), count(*)
    FROM "petition_tally_new"
    GROUP BY 1, 2, 3, 4, 5, 6\x3B
  RETURN NULL\x3B
END';

CREATE FUNCTION "petition_tally_update"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "PetitionTallyDelta" ("day", "meetingId", "ward", "status", "authority", "field", "n")
  SELECT "day", "meetingId", "ward", "status", "authority", "field", sum("n") FROM (
    SELECT "petition_tally_day"("receivedAt"), coalesce("meetingId", 0), coalesce("ward", \'\'), "status",
           coalesce("authority", \'\'), coalesce("field", \'\'), 1
    FROM "petition_tally_new"
    UNION ALL
    SELECT "petition_tally_day"("receivedAt"), coalesce("meetingId", 0), coalesce("ward", \'\'), "status",
           coalesce("authority", \'\'), coalesce("field", \'\'), -1
    FROM "petition_tally_old"
  ) AS changes ("day", "meetingId", "ward", "status", "authority", "field", "n")
  GROUP BY 1, 2, 3, 4, 5, 6
  HAVING sum("n") <> 0\x3B
  RETURN NULL\x3B
END';

CREATE FUNCTION "petition_tally_delete"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "PetitionTallyDelta" ("day", "meetingId", "ward", "status", "authority", "field", "n")
    SELECT "petition_tally_day"("receivedAt"), coalesce("meetingId", 0), coalesce("ward", \'\'), "status",
           coalesce("authority", \'\'), coalesce("field", \'\'), -count(*)
    FROM "petition_tally_old"
    GROUP BY 1, 2, 3, 4, 5, 6\x3B
  RETURN NULL\x3B
END';

CREATE TRIGGER "Petition_tally_insert" AFTER INSERT ON "Petition"
  REFERENCING NEW TABLE AS "petition_tally_new"
  FOR EACH STATEMENT EXECUTE FUNCTION "petition_tally_insert"();

CREATE TRIGGER "Petition_tally_update" AFTER UPDATE ON "Petition"
  REFERENCING OLD TABLE AS "petition_tally_old" NEW TABLE AS "petition_tally_new"
  FOR EACH STATEMENT EXECUTE FUNCTION "petition_tally_update"();

CREATE TRIGGER "Petition_tally_delete" AFTER DELETE ON "Petition"
  REFERENCING OLD TABLE AS "petition_tally_old"
  FOR EACH STATEMENT EXECUTE FUNCTION "petition_tally_delete"();
