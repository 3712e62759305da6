-- CreateEnum
CREATE TYPE "ProjectRole" AS ENUM ('labeler', 'reviewer', 'researcher');

-- CreateEnum
CREATE TYPE "ReviewDecision" AS ENUM ('accept', 'override');

-- AlterEnum
ALTER TYPE "Role" ADD VALUE 'reviewer';

-- AlterTable
ALTER TABLE "Invite" ADD COLUMN     "projectIds" UUID[] DEFAULT ARRAY[]::UUID[];

-- CreateTable
CREATE TABLE "ProjectMember" (
    "projectId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "role" "ProjectRole" NOT NULL,
    "addedById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProjectMember_pkey" PRIMARY KEY ("projectId","userId")
);

-- CreateTable
CREATE TABLE "TaskReview" (
    "taskId" UUID NOT NULL,
    "decision" "ReviewDecision" NOT NULL,
    "tiers" JSONB,
    "notation" TEXT,
    "reviewerId" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TaskReview_pkey" PRIMARY KEY ("taskId")
);

-- CreateTable
CREATE TABLE "LabelDiscard" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "taskId" UUID NOT NULL,
    "rankingId" UUID,
    "demonstrationId" UUID,
    "byId" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LabelDiscard_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ProjectMember_userId_idx" ON "ProjectMember"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "LabelDiscard_rankingId_key" ON "LabelDiscard"("rankingId");

-- CreateIndex
CREATE UNIQUE INDEX "LabelDiscard_demonstrationId_key" ON "LabelDiscard"("demonstrationId");

-- CreateIndex
CREATE INDEX "LabelDiscard_taskId_idx" ON "LabelDiscard"("taskId");

-- AddForeignKey
ALTER TABLE "ProjectMember" ADD CONSTRAINT "ProjectMember_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProjectMember" ADD CONSTRAINT "ProjectMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProjectMember" ADD CONSTRAINT "ProjectMember_addedById_fkey" FOREIGN KEY ("addedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TaskReview" ADD CONSTRAINT "TaskReview_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TaskReview" ADD CONSTRAINT "TaskReview_reviewerId_fkey" FOREIGN KEY ("reviewerId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LabelDiscard" ADD CONSTRAINT "LabelDiscard_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LabelDiscard" ADD CONSTRAINT "LabelDiscard_rankingId_fkey" FOREIGN KEY ("rankingId") REFERENCES "Ranking"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LabelDiscard" ADD CONSTRAINT "LabelDiscard_demonstrationId_fkey" FOREIGN KEY ("demonstrationId") REFERENCES "Demonstration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LabelDiscard" ADD CONSTRAINT "LabelDiscard_byId_fkey" FOREIGN KEY ("byId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Backfill (issue 16): every existing user becomes a member of every existing project, so nothing
-- changes for a running install until an admin edits membership. The project role follows the
-- global role (a researcher or admin is a researcher in the project; everyone else a labeler).
INSERT INTO "ProjectMember" ("projectId", "userId", "role")
SELECT p.id, u.id, CASE WHEN u.role::text IN ('researcher', 'admin') THEN 'researcher'::"ProjectRole" ELSE 'labeler'::"ProjectRole" END
  FROM "Project" p CROSS JOIN "User" u
ON CONFLICT DO NOTHING;
