// /api/v1: the REST API, behind bearer tokens; its OpenAPI document comes from its route definitions.
import { auditRoutes } from './audit';
import { authenticate } from './auth';
import { configRoutes } from './config';
import { changeRoutes } from './changes';
import { funnelRoutes } from './funnel';
import { maintenanceRoutes } from './maintenance';
import { previewRoutes } from './preview';
import { pushRoutes } from './push';
import { reportRoutes } from './reports';
import { sessionAccountRoutes, sessionRoutes } from './session';
import { contactMethodRoutes } from './contact-methods';
import { extensionRoutes } from './extensions';
import { incidentRoutes } from './incidents';
import { integrationTypeRoutes } from './integration-types';
import { openApiDocument } from './openapi';
import { inviteRoutes, passwordLinkRoutes } from './password-links';
import { apiApp } from './route';
import { scheduleRoutes } from './schedules';
import { serviceRoutes } from './services';
import { simulateRoutes } from './simulate';
import { teamRoutes } from './teams';
import { tokenRoutes } from './tokens';
import { userRoutes } from './users';

export const apiRoutes = apiApp();

let document: ReturnType<typeof openApiDocument> | undefined;
apiRoutes.get('/openapi.json', (c) => c.json((document ??= openApiDocument(apiRoutes))));
// Signing in (and setting a password by link) needs no principal: these answer before the authentication below.
apiRoutes.route('/', sessionRoutes);
apiRoutes.route('/', passwordLinkRoutes);
apiRoutes.use('*', authenticate);
for (const routes of [
  incidentRoutes,
  serviceRoutes,
  extensionRoutes,
  integrationTypeRoutes,
  changeRoutes,
  previewRoutes,
  maintenanceRoutes,
  funnelRoutes,
  reportRoutes,
  auditRoutes,
  sessionAccountRoutes,
  tokenRoutes,
  scheduleRoutes,
  userRoutes,
  inviteRoutes,
  contactMethodRoutes,
  pushRoutes,
  teamRoutes,
  simulateRoutes,
  configRoutes,
]) {
  apiRoutes.route('/', routes);
}
