/** `FRAMEWORK=nestjs npm start`: the seed example on NestJS's Express platform. */
import type { Seed, SeedServer } from '../seed/shared.js';
import { startSeedServer as start } from './app.js';

/** Starts the seed app on Nest's Express platform. */
export function startSeedServer(port: number, host?: string, seed?: Seed): Promise<SeedServer> {
  return start(port, host, seed, 'express');
}
