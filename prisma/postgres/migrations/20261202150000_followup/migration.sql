-- Follow-up: the forwarding letter's number, the answer's due date, a reopened answer.
ALTER TABLE "Petition" ADD COLUMN "forwardRef" TEXT;
ALTER TABLE "Petition" ADD COLUMN "answerDueAt" TIMESTAMP(3);
ALTER TABLE "Petition" ADD COLUMN "reopenedAt" TIMESTAMP(3);
CREATE INDEX "Petition_status_answerDueAt_idx" ON "Petition"("status", "answerDueAt");
