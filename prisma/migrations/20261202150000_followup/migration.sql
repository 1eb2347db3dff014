-- Follow-up: the forwarding letter's number, the answer's due date, a reopened answer.
ALTER TABLE "Petition" ADD COLUMN "forwardRef" TEXT;
ALTER TABLE "Petition" ADD COLUMN "answerDueAt" DATETIME;
ALTER TABLE "Petition" ADD COLUMN "reopenedAt" DATETIME;
CREATE INDEX "Petition_status_answerDueAt_idx" ON "Petition"("status", "answerDueAt");
