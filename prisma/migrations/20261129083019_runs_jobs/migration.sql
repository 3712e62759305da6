-- AlterTable
ALTER TABLE "TrainingRun" ADD COLUMN     "attempt" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "etaSec" DOUBLE PRECISION,
ADD COLUMN     "resume" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "secrets" TEXT,
ADD COLUMN     "threads" INTEGER,
ADD COLUMN     "workerHost" TEXT,
ADD COLUMN     "workerPid" INTEGER;

-- CreateIndex
CREATE INDEX "TrainingRun_status_heartbeatAt_idx" ON "TrainingRun"("status", "heartbeatAt");
