-- CreateTable
CREATE TABLE "Meeting" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "code" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'other',
    "startsAt" DATETIME NOT NULL,
    "endsAt" DATETIME,
    "place" TEXT NOT NULL,
    "ward" TEXT,
    "constituency" TEXT,
    "organiser" TEXT,
    "expectedVoters" INTEGER,
    "status" TEXT NOT NULL DEFAULT 'scheduled',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Deputy" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "nameKey" TEXT NOT NULL,
    "body" TEXT NOT NULL DEFAULT 'na',
    "constituency" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "MeetingDeputy" (
    "meetingId" INTEGER NOT NULL,
    "deputyId" INTEGER NOT NULL,

    PRIMARY KEY ("meetingId", "deputyId"),
    CONSTRAINT "MeetingDeputy_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "MeetingDeputy_deputyId_fkey" FOREIGN KEY ("deputyId") REFERENCES "Deputy" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Voter" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "channel" TEXT NOT NULL,
    "channelUserId" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "name" TEXT,
    "ward" TEXT,
    "phone" TEXT,
    "consent" TEXT NOT NULL DEFAULT 'none',
    "consentAt" DATETIME,
    "consentNotice" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Conversation" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "channel" TEXT NOT NULL,
    "channelUserId" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'idle',
    "meetingId" INTEGER,
    "data" TEXT NOT NULL DEFAULT '{}',
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Petition" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "trackingCode" TEXT NOT NULL,
    "meetingId" INTEGER,
    "voterId" INTEGER,
    "anonymous" BOOLEAN NOT NULL DEFAULT false,
    "channel" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "textNormalized" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'received',
    "needsReview" BOOLEAN NOT NULL DEFAULT false,
    "authority" TEXT,
    "field" TEXT,
    "agency" TEXT,
    "summary" TEXT,
    "forwardedTo" TEXT,
    "forwardedAt" DATETIME,
    "answerText" TEXT,
    "answerRef" TEXT,
    "answeredAt" DATETIME,
    "answerNotifiedAt" DATETIME,
    "resolvedAt" DATETIME,
    "duplicateOfId" INTEGER,
    "rejectReason" TEXT,
    "groupId" INTEGER,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Petition_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Petition_voterId_fkey" FOREIGN KEY ("voterId") REFERENCES "Voter" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Petition_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "PetitionGroup" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Attachment" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "petitionId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "fileId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Attachment_petitionId_fkey" FOREIGN KEY ("petitionId") REFERENCES "Petition" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Classification" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "petitionId" INTEGER NOT NULL,
    "taxonomy" TEXT NOT NULL,
    "authority" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "agency" TEXT,
    "summary" TEXT,
    "confidence" REAL NOT NULL,
    "isPetition" BOOLEAN NOT NULL DEFAULT true,
    "reason" TEXT,
    "classifier" TEXT NOT NULL,
    "model" TEXT,
    "promptVersion" TEXT,
    "tokensIn" INTEGER,
    "tokensOut" INTEGER,
    "createdBy" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Classification_petitionId_fkey" FOREIGN KEY ("petitionId") REFERENCES "Petition" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PetitionEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "petitionId" INTEGER NOT NULL,
    "fromStatus" TEXT,
    "toStatus" TEXT NOT NULL,
    "note" TEXT,
    "actor" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PetitionEvent_petitionId_fkey" FOREIGN KEY ("petitionId") REFERENCES "Petition" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PetitionGroup" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "title" TEXT NOT NULL,
    "confirmed" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "StaffMember" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "channel" TEXT NOT NULL,
    "channelUserId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "deputyId" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" DATETIME,
    CONSTRAINT "StaffMember_deputyId_fkey" FOREIGN KEY ("deputyId") REFERENCES "Deputy" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Invite" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "code" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "deputyId" INTEGER,
    "createdBy" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    "usedBy" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "entity" TEXT NOT NULL,
    "entityId" TEXT,
    "before" TEXT,
    "after" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ProcessedUpdate" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "channel" TEXT NOT NULL,
    "updateId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Job" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "type" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 20,
    "runAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" DATETIME,
    "lockedBy" TEXT,
    "lastError" TEXT,
    "uniqueKey" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "channel" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" DATETIME
);

-- CreateTable
CREATE TABLE "Counter" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "value" INTEGER NOT NULL
);

-- CreateTable
CREATE TABLE "DigestSubscription" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "deputyId" INTEGER NOT NULL,
    "channel" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "frequency" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "cancelledAt" DATETIME,
    CONSTRAINT "DigestSubscription_deputyId_fkey" FOREIGN KEY ("deputyId") REFERENCES "Deputy" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Digest" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "deputyId" INTEGER NOT NULL,
    "periodKey" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "sentAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Digest_deputyId_fkey" FOREIGN KEY ("deputyId") REFERENCES "Deputy" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Meeting_code_key" ON "Meeting"("code");

-- CreateIndex
CREATE INDEX "Meeting_startsAt_idx" ON "Meeting"("startsAt");

-- CreateIndex
CREATE UNIQUE INDEX "Deputy_nameKey_key" ON "Deputy"("nameKey");

-- CreateIndex
CREATE INDEX "MeetingDeputy_deputyId_idx" ON "MeetingDeputy"("deputyId");

-- CreateIndex
CREATE UNIQUE INDEX "Voter_channel_channelUserId_key" ON "Voter"("channel", "channelUserId");

-- CreateIndex
CREATE UNIQUE INDEX "Conversation_channel_channelUserId_key" ON "Conversation"("channel", "channelUserId");

-- CreateIndex
CREATE UNIQUE INDEX "Petition_trackingCode_key" ON "Petition"("trackingCode");

-- CreateIndex
CREATE INDEX "Petition_meetingId_idx" ON "Petition"("meetingId");

-- CreateIndex
CREATE INDEX "Petition_voterId_idx" ON "Petition"("voterId");

-- CreateIndex
CREATE INDEX "Petition_receivedAt_idx" ON "Petition"("receivedAt");

-- CreateIndex
CREATE INDEX "Petition_status_idx" ON "Petition"("status");

-- CreateIndex
CREATE INDEX "Petition_authority_field_idx" ON "Petition"("authority", "field");

-- CreateIndex
CREATE INDEX "Petition_field_idx" ON "Petition"("field");

-- CreateIndex
CREATE INDEX "Petition_groupId_idx" ON "Petition"("groupId");

-- CreateIndex
CREATE INDEX "Attachment_petitionId_idx" ON "Attachment"("petitionId");

-- CreateIndex
CREATE INDEX "Classification_petitionId_idx" ON "Classification"("petitionId");

-- CreateIndex
CREATE INDEX "PetitionEvent_petitionId_idx" ON "PetitionEvent"("petitionId");

-- CreateIndex
CREATE UNIQUE INDEX "StaffMember_channel_channelUserId_key" ON "StaffMember"("channel", "channelUserId");

-- CreateIndex
CREATE UNIQUE INDEX "Invite_code_key" ON "Invite"("code");

-- CreateIndex
CREATE INDEX "AuditLog_createdAt_idx" ON "AuditLog"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ProcessedUpdate_channel_updateId_key" ON "ProcessedUpdate"("channel", "updateId");

-- CreateIndex
CREATE UNIQUE INDEX "Job_uniqueKey_key" ON "Job"("uniqueKey");

-- CreateIndex
CREATE INDEX "Job_status_runAt_idx" ON "Job"("status", "runAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_status_nextAttemptAt_idx" ON "OutboxMessage"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_channel_chatId_status_idx" ON "OutboxMessage"("channel", "chatId", "status");

-- CreateIndex
CREATE INDEX "DigestSubscription_deputyId_idx" ON "DigestSubscription"("deputyId");

-- CreateIndex
CREATE UNIQUE INDEX "Digest_deputyId_periodKey_key" ON "Digest"("deputyId", "periodKey");

