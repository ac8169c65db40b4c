export {
  ADMIN_PORTAL_INTENTS,
  WorkOSAdminPortal,
  WorkOSAdminPortalIntentError,
  type AdminPortalIntent,
  type WorkOSAdminPortalOptions,
} from './admin-portal';
