-- CreateEnum
CREATE TYPE "PreferenceStrength" AS ENUM ('significantly', 'better', 'slightly', 'negligibly');

-- AlterTable
ALTER TABLE "Comparison" ADD COLUMN     "strength" "PreferenceStrength";

-- AlterTable
ALTER TABLE "Project" ADD COLUMN     "goldEvery" INTEGER NOT NULL DEFAULT 20,
ADD COLUMN     "goldMinAccuracy" DOUBLE PRECISION,
ADD COLUMN     "undoSeconds" INTEGER NOT NULL DEFAULT 30;
