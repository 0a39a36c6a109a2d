/**
 * The contract's app on NestJS 12's Express platform. Nest's global body parser is off, as the
 * contract asks of every app: the adapter reads the body a route's token is in (so invalid JSON is
 * flask's 401), and the cookie routes get `express.json()`.
 */
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import type { JwtManager } from '../../../src/index.js';
import type { AppFactory, TestApp } from '../app-contract.js';
import { COOKIE_ROUTES } from '../app-contract.js';
import { contractModule, listenNest } from './nestjs-app.js';

/** The AppFactory for NestJS on Express. */
export const createNestExpressApp: AppFactory = async (jwt: JwtManager): Promise<TestApp> => {
  const app = await NestFactory.create<NestExpressApplication>(contractModule(jwt), new ExpressAdapter(express()), {
    logger: false,
    bodyParser: false,
  });
  app.use([COOKIE_ROUTES.set, COOKIE_ROUTES.unset], express.json());
  return listenNest(app);
};
