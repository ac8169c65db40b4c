/** HTTP handlers of the Directory Sync endpoints. */
import type { DirectorySyncModel } from './directory-sync';
import { paginate, parsePageParams, type CreationOrder } from './pagination';
import { queryParam, route, type RouteDefinition } from './router';
import { toWireList } from './wire';

export function directorySyncRoutes(deps: { model: DirectorySyncModel; order: CreationOrder }): RouteDefinition[] {
  const { model, order } = deps;
  return [
    route('directorySync.listDirectories', 'GET /directories', (ctx) => {
      const page = parsePageParams(ctx.query);
      const directories = model.listDirectories(queryParam(ctx.query, 'organization_id'));
      return { status: 200, body: toWireList(paginate(directories, page, order), (item) => model.toWireDirectory(item)) };
    }),
    route('directorySync.getDirectory', 'GET /directories/:id', (ctx) => ({
      status: 200,
      body: model.toWireDirectory(model.requireDirectory(ctx.param('id'))),
    })),
    route('directorySync.listUsers', 'GET /directory_users', (ctx) => {
      const page = parsePageParams(ctx.query);
      const directoryId = queryParam(ctx.query, 'directory');
      const groupId = queryParam(ctx.query, 'group');
      if (directoryId !== undefined) model.requireDirectory(directoryId);
      const users = model.listUsers({ ...(directoryId !== undefined && { directoryId }), ...(groupId !== undefined && { groupId }) });
      return { status: 200, body: toWireList(paginate(users, page, order), (item) => model.toWireUser(item)) };
    }),
    route('directorySync.getUser', 'GET /directory_users/:id', (ctx) => ({
      status: 200,
      body: model.toWireUser(model.requireUser(ctx.param('id'))),
    })),
    route('directorySync.listGroups', 'GET /directory_groups', (ctx) => {
      const page = parsePageParams(ctx.query);
      const directoryId = queryParam(ctx.query, 'directory');
      const userId = queryParam(ctx.query, 'user');
      if (directoryId !== undefined) model.requireDirectory(directoryId);
      const groups = model.listGroups({ ...(directoryId !== undefined && { directoryId }), ...(userId !== undefined && { userId }) });
      return { status: 200, body: toWireList(paginate(groups, page, order), (item) => model.toWireGroup(item)) };
    }),
    route('directorySync.getGroup', 'GET /directory_groups/:id', (ctx) => ({
      status: 200,
      body: model.toWireGroup(model.requireGroup(ctx.param('id'))),
    })),
  ];
}
