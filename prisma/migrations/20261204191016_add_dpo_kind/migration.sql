-- AlterEnum
ALTER TYPE "ArtifactKind" ADD VALUE 'dpo';

-- AlterEnum
ALTER TYPE "RunKind" ADD VALUE 'dpo';
