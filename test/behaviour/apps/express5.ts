/** The behaviour suite's app on Express 5. */
import express from 'express';
import { expressAppFactory } from './express-app.js';

/** The AppFactory for Express 5. */
export const createExpress5App = expressAppFactory(express);
