#!/bin/sh
# Stand-in for Prisma's schema-engine binary, which cannot be downloaded here.
# `prisma generate` only checks that the path is executable; anything that would
# really need the engine (prisma migrate) fails loudly instead of doing nothing.
echo "RLHF Studio applies migrations with its own runner: use npm run db:migrate" >&2
exit 1
