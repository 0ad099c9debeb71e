import { registerHooks } from 'node:module';

/**
 * @actions/workflow-parser imports its schema JSON without `with { type: 'json' }`, which Node's
 * ESM loader refuses; this hook adds the attribute for .json files (Jest's loader needs none).
 */
registerHooks({
  load(url, context, nextLoad) {
    if (url.endsWith('.json') && context.importAttributes['type'] === undefined) {
      return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: 'json' } });
    }
    return nextLoad(url, context);
  },
});
