-- AlterTable
ALTER TABLE "Comparison" ADD COLUMN     "importedMargin" DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "Ranking" ADD COLUMN     "importedFrom" TEXT;
