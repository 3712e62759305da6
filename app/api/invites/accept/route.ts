import { NextResponse, type NextRequest } from "next/server";
import { db } from "@/lib/db";
import { errorResponse, readJson } from "@/lib/http/handler";
import { acceptInvite } from "@/lib/users";
import { acceptInviteInput } from "@/lib/validation/user";

// Public by design: the invite token is the permission.
export async function POST(req: NextRequest) {
  try {
    const user = await acceptInvite(db, await readJson(req, acceptInviteInput));
    return NextResponse.json({ user: { email: user.email, role: user.role } });
  } catch (e) {
    return errorResponse(e);
  }
}
