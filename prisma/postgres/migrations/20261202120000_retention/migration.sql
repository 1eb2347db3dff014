-- Retention: when a closed petition lost its voter link and personal data.
ALTER TABLE "Petition" ADD COLUMN "personalDataRemovedAt" TIMESTAMP(3);
