-- DropIndex
DROP INDEX "Petition_receivedAt_idx";

-- CreateIndex
CREATE INDEX "Petition_receivedAt_status_authority_field_meetingId_idx" ON "Petition"("receivedAt", "status", "authority", "field", "meetingId");

