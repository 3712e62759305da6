-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "contentHash" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Task_projectId_contentHash_key" ON "Task"("projectId", "contentHash");
