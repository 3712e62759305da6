import { route } from "@/lib/http/handler";
import { getRun } from "@/lib/runs/queries";

export const GET = route<{ id: string }>({ permission: "runs.read" }, async ({ params }) => ({ run: await getRun(params.id) }));
