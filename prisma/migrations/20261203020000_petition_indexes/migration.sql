-- The petitions table's filters: a meeting's newest first, needs-review and channel counted from an index.
DROP INDEX "Petition_meetingId_idx";
CREATE INDEX "Petition_meetingId_receivedAt_idx" ON "Petition"("meetingId", "receivedAt");
CREATE INDEX "Petition_needsReview_status_idx" ON "Petition"("needsReview", "status");
CREATE INDEX "Petition_channel_status_idx" ON "Petition"("channel", "status");
