// GET /api/v1/openapi.json: the API's description, generated from the routes' zod schemas
// (./document.ts). The one /api/v1 route that needs no token: it holds no data, and a client needs it
// before it has one.
import { NextResponse } from "next/server";
import { openapiSpec } from "./document";

export const GET = () => NextResponse.json(openapiSpec(), { headers: { "cache-control": "public, max-age=300" } });
