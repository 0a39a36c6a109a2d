/**
 * The refresh row's rotation options, shared by its server (common.ts) and the harness, which mints
 * the first refresh tokens with a manager of the same options. Strict single use: a token sent twice
 * is refused, so a load generator that did not chain each answer's token into a later request would
 * show as errors, not as a fast row.
 */
export const refreshRotationOptions = { refreshTokenRotation: true, refreshReuseInterval: 0 } as const;
