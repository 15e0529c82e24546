// /api/v1/teams: teams one at a time, the same objects as the configuration document's `teams`
// section, through the same plan. Owners and admins change teams; a team's admin (a responder at
// least) may change its members.
import { Hono, type Context } from 'hono';
import { teamConfigSchema } from '../config/document';
import { canonicalJson } from '../config/plan';
import { loadConfig } from '../config/store';
import { HttpError, readJson } from '../http';
import { administersTeam, configures } from '../permissions';
import { allow, type ApiEnv } from './auth';
import { changeOne, currentOne, patchSchema, tagged, type Authorize } from './objects';

export const teamCreateSchema = teamConfigSchema.meta({ id: 'TeamCreate' });
/** A partial change; a new `id` renames the team, and every reference follows. */
export const teamUpdateSchema = patchSchema(teamConfigSchema).meta({ id: 'TeamUpdate' });

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

export const teamRoutes = new Hono<ApiEnv>()
  .get('/teams', allow('read'), async (c) => {
    const { config } = await loadConfig(c.env.DB);
    return c.json({ teams: config.teams });
  })
  .post('/teams', allow('configure'), async (c) => {
    const team = await readJson(c.req.raw, teamCreateSchema);
    await changeOne(c, { kind: 'teams', target: null, edit: () => team, authorize: authorizeTeam });
    return c.json(await answerTeam(c, team.id), 201);
  })
  .get('/teams/:id', allow('read'), async (c) => c.json(await answerTeam(c, c.req.param('id'))))
  .patch('/teams/:id', allow('read'), async (c) => {
    const update = await readJson(c.req.raw, teamUpdateSchema);
    const team = await changeOne(c, {
      kind: 'teams',
      target: c.req.param('id'),
      edit: (before) => ({ ...before!, ...update }),
      authorize: authorizeTeam,
    });
    return c.json(await answerTeam(c, team!.id));
  })
  .delete('/teams/:id', allow('configure'), async (c) => {
    await changeOne(c, { kind: 'teams', target: c.req.param('id'), edit: () => null, authorize: authorizeTeam });
    return c.body(null, 204);
  });
