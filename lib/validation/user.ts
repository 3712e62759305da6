import { z } from "zod";
import { ROLES } from "../auth/permissions";
import { joinProjects } from "./membership";

const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(320)
  .pipe(z.email({ message: "Enter a valid email address" }));
const newPassword = z.string().min(10, "The password must be at least 10 characters").max(256, "The password must be at most 256 characters");
const role = z.enum(ROLES);

export const createUserInput = z.object({
  email,
  name: z.string().trim().max(120).default(""),
  role,
  password: newPassword,
  /** Projects the user joins; left out: every project. */
  projectIds: joinProjects,
});
export type CreateUserInput = z.infer<typeof createUserInput>;

export const updateUserInput = z
  .object({ role: role.optional(), disabled: z.boolean().optional(), excludeFromExports: z.boolean().optional() })
  .refine((v) => Object.keys(v).length > 0, "Change at least one field");
export type UpdateUserInput = z.infer<typeof updateUserInput>;

export const changePasswordInput = z.object({
  current: z.string().min(1).max(256),
  next: newPassword,
  /** Also revoke every API token of this user. */
  revokeTokens: z.boolean().default(false),
});

export const createInviteInput = z.object({
  role,
  email: email.optional(),
  expiresInDays: z.number().int().min(1).max(30).default(7),
  /** Projects the new user joins on accepting; left out: every project. */
  projectIds: joinProjects,
});

export const acceptInviteInput = z.object({
  token: z.string().min(10).max(200),
  email,
  name: z.string().trim().max(120).default(""),
  password: newPassword,
});
