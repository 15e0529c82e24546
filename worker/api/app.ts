// /api/v1: the REST API, behind bearer tokens.
import { Hono } from 'hono';
import { authenticate, type ApiEnv } from './auth';
import { configRoutes } from './config';
import { incidentRoutes } from './incidents';
import { onCallRoutes } from './oncall';
import { openApiDocument } from './openapi';
import { scheduleRoutes } from './schedules';
import { serviceRoutes } from './services';
import { teamRoutes } from './teams';
import { tokenRoutes } from './tokens';
import { userRoutes } from './users';

export const apiRoutes = new Hono<ApiEnv>()
  .get('/openapi.json', (c) => c.json(openApiDocument()))
  .use('*', authenticate)
  .route('/', incidentRoutes)
  .route('/', serviceRoutes)
  .route('/', tokenRoutes)
  .route('/', scheduleRoutes)
  .route('/', userRoutes)
  .route('/', teamRoutes)
  .route('/', onCallRoutes)
  .route('/', configRoutes);
