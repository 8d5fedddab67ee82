/**
 * The peer's `users` entity service, as the Feathers 5 generator makes it for JWT
 * authentication: the JWT strategy reads the user through it on every authenticated request.
 *
 * @module
 */
import { authenticate } from '@feathersjs/authentication';
import type { Application, HookContext } from '@feathersjs/feathers';
import { KnexService } from '@feathersjs/knex';
import { Ajv, resolve, hooks as schemaHooks } from '@feathersjs/schema';
import { getValidator, querySyntax, type Static, Type } from '@feathersjs/typebox';
import type { Knex } from 'knex';

const userSchema = Type.Object(
  { id: Type.Number(), email: Type.String() },
  { $id: 'User', additionalProperties: false },
);
type User = Static<typeof userSchema>;
const userResolver = resolve<User, HookContext>({});
const userExternalResolver = resolve<User, HookContext>({});
const userQuerySchema = Type.Intersect(
  [
    querySyntax(Type.Pick(userSchema, ['id', 'email'])),
    Type.Object({}, { additionalProperties: false }),
  ],
  { additionalProperties: false },
);
const userQueryValidator = getValidator(userQuerySchema, new Ajv({ coerceTypes: true }));
/** A signed-in user only ever sees themselves. */
const userQueryResolver = resolve<Static<typeof userQuerySchema>, HookContext>({
  id: async (value, _query, context) => context.params.user?.id ?? value,
});

export function usersService(app: Application, db: Knex): void {
  app.use('users', new KnexService({ Model: db, name: 'users', paginate: app.get('paginate') }), {
    methods: ['find', 'get'],
    events: [],
  });
  app.service('users').hooks({
    around: {
      all: [
        schemaHooks.resolveExternal(userExternalResolver),
        schemaHooks.resolveResult(userResolver),
      ],
      find: [authenticate('jwt')],
      get: [authenticate('jwt')],
    },
    before: {
      all: [
        schemaHooks.validateQuery(userQueryValidator),
        schemaHooks.resolveQuery(userQueryResolver),
      ],
    },
  });
}
