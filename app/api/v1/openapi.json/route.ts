// GET /api/v1/openapi.json: the API's description. The one /api/v1 route that needs no token:
// it holds no data, and a client needs it before it has one.
import { NextResponse } from "next/server";
import { openapiSpec } from "./spec";

export const GET = () => NextResponse.json(openapiSpec, { headers: { "cache-control": "public, max-age=300" } });
