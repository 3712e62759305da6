-- CreateEnum
CREATE TYPE "ArtifactSource" AS ENUM ('trained', 'imported');

-- AlterTable
ALTER TABLE "ModelArtifact" ADD COLUMN     "source" "ArtifactSource" NOT NULL DEFAULT 'trained';
