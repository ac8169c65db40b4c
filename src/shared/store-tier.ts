import type { OncePerWindowLogger } from './log-once';
import type { StoreTier } from './read-through-cache';
import type { SharedStore, StoreCodec } from './store';
import { StoreUnavailableError } from './store';

/**
 * The store tier of one component cache: namespaced by WorkOS client id, component and cache, with
 * store trouble logged once per window on the component's logger (a reason, never a value).
 */
export function storeTier<K, V>(
  store: SharedStore | undefined,
  settings: { clientId: string; component: string; cache: string; codec: StoreCodec<K, V>; log: OncePerWindowLogger },
): StoreTier<K, V> | undefined {
  if (!store) return undefined;
  const { clientId, component, cache, codec, log } = settings;
  return {
    store,
    namespace: `${clientId}:${component}:${cache}`,
    codec,
    onStoreError: (error) =>
      log.log('warn', 'store_unavailable', `${component}: shared ${store.kind} store unavailable; serving from memory and WorkOS`, {
        store: store.kind,
        cause: error instanceof StoreUnavailableError ? error.reason : error instanceof Error ? error.name : typeof error,
      }),
    onStoreRecovered: () => log.log('info', 'store_recovered', `${component}: shared ${store.kind} store answers again; sharing resumed`, { store: store.kind }),
  };
}
