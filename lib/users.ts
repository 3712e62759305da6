// Users and invites: plain functions over the database, called by route handlers and tests.
import "server-only";
import crypto from "node:crypto";
import { audit } from "./audit";
import { joinNewUser } from "./membership/members";
import type { SessionUser } from "./auth/authenticate";
import { hashToken } from "./auth/api-tokens";
import { hashPassword, verifyPassword } from "./auth/password";
import type { SessionClaims } from "./auth/session";
import type { Db } from "./db";
import { AppError } from "./errors";
import { Prisma } from "./generated/prisma/client";
import type { CreateUserInput, UpdateUserInput } from "./validation/user";
import type { Role } from "./auth/permissions";

const PUBLIC = { id: true, email: true, name: true, role: true, disabled: true, excludeFromExports: true, createdAt: true } as const;

function isUniqueViolation(e: unknown) {
  return e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002";
}

export async function createUser(db: Db, actor: SessionUser | null, input: CreateUserInput) {
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.$transaction(async (tx) => {
      const user = await tx.user.create({
        data: { email: input.email, name: input.name, role: input.role, passwordHash },
        select: PUBLIC,
      });
      await joinNewUser(tx, user, input.projectIds, actor?.id ?? null);
      await audit(tx, actor?.id ?? null, "user.create", { type: "user", id: user.id }, { role: user.role, projectIds: input.projectIds ?? "all" });
      return user;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError("conflict", "A user with that email already exists.");
    throw e;
  }
}

export function listUsers(db: Db) {
  return db.user.findMany({ select: PUBLIC, orderBy: { createdAt: "asc" } });
}

export async function updateUser(db: Db, actor: SessionUser, id: string, input: UpdateUserInput) {
  if (id === actor.id && (input.disabled || (input.role && input.role !== "admin")))
    throw new AppError("bad_request", "You cannot disable yourself or remove your own admin role.");
  return db.$transaction(async (tx) => {
    const found = await tx.user.findUnique({ where: { id }, select: { id: true } });
    if (!found) throw new AppError("not_found", "That user was not found.");
    const user = await tx.user.update({ where: { id }, data: input, select: PUBLIC });
    await audit(tx, actor.id, "user.update", { type: "user", id }, input);
    return user;
  });
}

/**
 * Changes the user's own password. Every session signed in before ends at its next request (the
 * session version is raised and passwordChangedAt set; the caller re-issues its own session with
 * the returned claims), and with revokeTokens the user's API tokens are revoked too.
 */
export async function changePassword(
  db: Db,
  user: SessionUser,
  current: string,
  next: string,
  opts: { revokeTokens?: boolean } = {},
): Promise<SessionClaims & { tokensRevoked: number }> {
  const row = await db.user.findUniqueOrThrow({ where: { id: user.id }, omit: { passwordHash: false } });
  if (!(await verifyPassword(current, row.passwordHash))) throw new AppError("bad_request", "The current password is incorrect.");
  const passwordHash = await hashPassword(next);
  return db.$transaction(async (tx) => {
    const updated = await tx.user.update({
      where: { id: user.id },
      data: { passwordHash, passwordChangedAt: new Date(), sessionVersion: { increment: 1 } },
      select: { sessionVersion: true, passwordChangedAt: true },
    });
    const { count } = opts.revokeTokens
      ? await tx.apiToken.updateMany({ where: { userId: user.id, revokedAt: null }, data: { revokedAt: new Date() } })
      : { count: 0 };
    await audit(tx, user.id, "user.password_change", { type: "user", id: user.id }, { tokensRevoked: count });
    return { sv: updated.sessionVersion, pca: updated.passwordChangedAt!.getTime(), tokensRevoked: count };
  });
}

/** Ends every session of this user, the current one included, at its next request. */
export async function signOutEverywhere(db: Db, user: SessionUser): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { sessionVersion: { increment: 1 } } });
    await audit(tx, user.id, "user.sign_out_everywhere", { type: "user", id: user.id });
  });
}

export async function createInvite(db: Db, actor: SessionUser, input: { role: Role; email?: string; expiresInDays: number; projectIds?: string[] }) {
  const token = crypto.randomBytes(24).toString("base64url");
  const invite = await db.$transaction(async (tx) => {
    if (input.projectIds && (await tx.project.count({ where: { id: { in: input.projectIds } } })) !== new Set(input.projectIds).size)
      throw new AppError("bad_request", "One of the chosen projects does not exist.");
    const row = await tx.invite.create({
      data: {
        tokenHash: hashToken(token),
        role: input.role,
        email: input.email,
        createdById: actor.id,
        // [] (none named, and every invite made before membership existed): every project
        projectIds: input.projectIds ?? [],
        expiresAt: new Date(Date.now() + input.expiresInDays * 86_400_000),
      },
      select: { id: true, role: true, email: true, expiresAt: true },
    });
    await audit(tx, actor.id, "invite.create", { type: "invite", id: row.id }, { role: input.role });
    return row;
  });
  return { ...invite, token };
}

const INVALID_INVITE = "This invite link is invalid, used or expired.";

/**
 * Creates the invited account. The invite is looked up and checked before the password is hashed:
 * scrypt is deliberately expensive, and nobody without a valid invite may make the server pay it.
 */
export async function acceptInvite(db: Db, input: { token: string; email: string; name: string; password: string }) {
  const tokenHash = hashToken(input.token);
  const invite = await db.invite.findUnique({ where: { tokenHash } });
  if (!invite || invite.usedAt || invite.expiresAt < new Date()) throw new AppError("bad_request", INVALID_INVITE);
  if (invite.email && invite.email !== input.email) throw new AppError("bad_request", "This invite is for another email address.");
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.$transaction(async (tx) => {
      // Claim the invite, checked again: a second acceptance of the same link (or one that expired
      // while the password was hashed) updates no row.
      const claimed = await tx.invite.updateMany({
        where: { id: invite.id, usedAt: null, expiresAt: { gt: new Date() } },
        data: { usedAt: new Date() },
      });
      if (claimed.count !== 1) throw new AppError("bad_request", INVALID_INVITE);
      const user = await tx.user.create({
        data: { email: input.email, name: input.name, role: invite.role, passwordHash },
        select: PUBLIC,
      });
      await joinNewUser(tx, user, invite.projectIds?.length ? invite.projectIds : undefined, invite.createdById, { skipMissing: true });
      await audit(tx, user.id, "invite.accept", { type: "invite", id: invite.id });
      return user;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError("conflict", "A user with that email already exists.");
    throw e;
  }
}
