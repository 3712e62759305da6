// Project membership input: one schema for the API and the project page's members form.
import { z } from "zod";
import { PROJECT_ROLES } from "../auth/permissions";

const projectRole = z.enum(PROJECT_ROLES);

/** PUT /api/projects/{id}/members: add a member or change their role. */
export const setMemberInput = z.object({ userId: z.guid(), role: projectRole });

/** Projects a new user (created or invited) joins: at least one; left out: every project, as before membership existed. */
export const joinProjects = z.array(z.guid()).min(1, "Choose at least one project, or leave the list out for every project").max(500).optional();
