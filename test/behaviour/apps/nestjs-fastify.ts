/**
 * The contract's app on NestJS 12's Fastify platform, with Nest's defaults (Fastify's JSON parser
 * and Nest's form parser).
 */
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { JwtManager } from '../../../src/index.js';
import type { AppFactory, TestApp } from '../app-contract.js';
import { contractModule, listenNest } from './nestjs-app.js';

/** The AppFactory for NestJS on Fastify. */
export const createNestFastifyApp: AppFactory = async (jwt: JwtManager): Promise<TestApp> => {
  const app = await NestFactory.create<NestFastifyApplication>(contractModule(jwt), new FastifyAdapter(), {
    logger: false,
  });
  return listenNest(app);
};
