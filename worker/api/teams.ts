// /api/v1/teams: teams one at a time, the same objects as the configuration document's `teams`
// section, through the same plan. Owners and admins change teams; a team's admin (a responder at
// least) may change its members.
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { teamConfigSchema } from '../config/document';
import { canonicalJson } from '../config/plan';
import { loadConfig } from '../config/store';
import { HttpError } from '../http';
import { administersTeam, configures } from '../permissions';
import type { ApiEnv } from './auth';
import { changeOne, currentOne, patched, patchSchema, tagged, type Authorize } from './objects';
import { apiApp, apiRoute, idParams, json, openapi } from './route';

export const teamCreateSchema = teamConfigSchema.meta({ id: 'TeamCreate' });
/** A partial change; a new `id` renames the team, and every reference follows. */
export const teamUpdateSchema = patchSchema(teamConfigSchema).meta({ id: 'TeamUpdate' });
/** A team as the configuration document has it. */
export const teamSchema = teamConfigSchema.meta({ id: 'Team' });
export const teamListSchema = z.object({ teams: z.array(teamSchema) }).meta({ id: 'TeamList' });

/** Owners and admins change teams; a team admin changes nothing but the members of their own team. */
const authorizeTeam: Authorize<'teams'> = (principal, config, before, after) => {
  if (configures(principal)) return;
  const onlyMembers =
    before !== null &&
    after !== null &&
    canonicalJson({ ...before, members: [] }) === canonicalJson({ ...after, members: [] });
  if (onlyMembers && administersTeam(principal, config, before.id)) return;
  throw new HttpError(403, 'forbidden', "only an owner or admin may change teams; a team's admins, its members");
};

async function answerTeam(c: Context<ApiEnv>, idOrHandle: string) {
  const team = currentOne(await loadConfig(c.env.DB), 'teams', idOrHandle);
  await tagged(c, team);
  return team;
}

export const teamRoutes = apiApp();

openapi(
  teamRoutes,
  apiRoute({
    method: 'get',
    path: '/teams',
    summary: 'List teams',
    permission: 'read',
    responses: { 200: json(teamListSchema, 'Every team') },
  }),
  async (c) => {
    const { config } = await loadConfig(c.env.DB);
    return c.json({ teams: config.teams });
  },
);

openapi(
  teamRoutes,
  apiRoute({
    method: 'post',
    path: '/teams',
    summary: 'Create a team',
    permission: 'configure',
    request: { body: { required: true, content: { 'application/json': { schema: teamCreateSchema } } } },
    responses: { 201: json(teamSchema, 'The team, with an ETag') },
  }),
  async (c) => {
    const team = c.req.valid('json');
    await changeOne(c, { kind: 'teams', target: null, edit: () => team, authorize: authorizeTeam });
    return c.json(await answerTeam(c, team.id), 201);
  },
);

openapi(
  teamRoutes,
  apiRoute({
    method: 'get',
    path: '/teams/{id}',
    summary: 'A team, by id or handle (with an ETag)',
    permission: 'read',
    request: { params: idParams },
    responses: { 200: json(teamSchema, 'The team, with an ETag for If-Match') },
  }),
  async (c) => c.json(await answerTeam(c, c.req.valid('param').id)),
);

openapi(
  teamRoutes,
  apiRoute({
    method: 'patch',
    path: '/teams/{id}',
    summary: "Change a team (a team's admins may change its members; a new id renames it)",
    permission: 'read',
    request: {
      params: idParams,
      body: { required: true, content: { 'application/json': { schema: teamUpdateSchema } } },
    },
    responses: { 200: json(teamSchema, 'The team as changed, with an ETag') },
  }),
  async (c) => {
    const update = c.req.valid('json');
    const team = await changeOne(c, {
      kind: 'teams',
      target: c.req.valid('param').id,
      edit: (before) => patched(teamConfigSchema, before!, update),
      authorize: authorizeTeam,
    });
    return c.json(await answerTeam(c, team!.id));
  },
);

openapi(
  teamRoutes,
  apiRoute({
    method: 'delete',
    path: '/teams/{id}',
    summary: 'Delete a team',
    permission: 'configure',
    request: { params: idParams },
    responses: { 204: { description: 'Deleted' } },
  }),
  async (c) => {
    await changeOne(c, { kind: 'teams', target: c.req.valid('param').id, edit: () => null, authorize: authorizeTeam });
    return c.body(null, 204);
  },
);
