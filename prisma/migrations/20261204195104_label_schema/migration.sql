-- AlterTable
ALTER TABLE "Project" ADD COLUMN     "labelSchema" JSONB;

-- AlterTable
ALTER TABLE "Ranking" ADD COLUMN     "rationale" TEXT;

-- AlterTable
ALTER TABLE "RankingAnswer" ADD COLUMN     "ratings" JSONB NOT NULL DEFAULT '{}';
