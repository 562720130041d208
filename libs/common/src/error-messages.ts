/**
 * User-facing error details. Open WebUI's frontend shows `detail` verbatim, so these match
 * the wording its users already know.
 */
export const ErrorMessages = {
  DEFAULT: 'Something went wrong :/',
  NOT_FOUND: "We could not find what you're looking for :/",
  USER_NOT_FOUND: "We could not find what you're looking for :/",
  UNAUTHORIZED: '401 Unauthorized',
  NOT_AUTHENTICATED: 'Not authenticated',
  ACCESS_PROHIBITED:
    'You do not have permission to access this resource. Please contact your administrator for assistance.',
  ACTION_PROHIBITED: 'The requested action has been restricted as a security measure.',
  INVALID_TOKEN: 'Your session has expired or the token is invalid. Please sign in again.',
  INVALID_CRED:
    'The email or password provided is incorrect. Please check for typos and try logging in again.',
  INVALID_EMAIL_FORMAT:
    "The email format you entered is invalid. Please double-check and make sure you're using a valid email address (e.g., yourname@example.com).",
  INVALID_PASSWORD: 'The password provided is incorrect. Please check for typos and try again.',
  EMAIL_TAKEN:
    'Uh-oh! This email is already registered. Sign in with your existing account or choose another email to start anew.',
  PASSWORD_TOO_LONG:
    'Uh-oh! The password you entered is too long. Please make sure your password is less than 72 bytes long.',
  CREATE_USER_ERROR:
    'Oops! Something went wrong while creating your account. Please try again later. If the issue persists, contact support for assistance.',
  EXISTING_USERS:
    "You can't turn off authentication because there are existing users. If you want to disable WEBUI_AUTH, make sure your web interface doesn't have any existing users and is a fresh installation.",
  API_KEY_NOT_FOUND:
    "Oops! It looks like there's a hiccup. The API key is missing. Please make sure to provide a valid API key to access this feature.",
  API_KEY_NOT_ALLOWED: 'Use of API key is not enabled in the environment.',
  API_KEY_CREATION_NOT_ALLOWED: 'API key creation is not allowed in the environment.',
  RATE_LIMIT_EXCEEDED: 'API rate limit exceeded',
  MALICIOUS: 'Unusual activities detected, please try again in a few minutes.',
  ID_TAKEN: 'Uh-oh! This id is already registered. Please choose another id string.',
  REQUEST_TOO_LARGE: 'Request body too large',
  INTERNAL: 'Internal Server Error',
} as const;
