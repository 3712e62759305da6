// See package.json: only `prisma dev` loads this package, and RLHF Studio does not use it.
const unsupported = () => {
  throw new Error("`prisma dev` is not part of RLHF Studio (its local streams server needs Node 22); use npm start or a PostgreSQL server.");
};
export const startLocalDurableStreamsServer = unsupported;
export default { startLocalDurableStreamsServer: unsupported };
