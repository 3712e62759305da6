-- AlterEnum
ALTER TYPE "RunKind" ADD VALUE 'best_of_n';
