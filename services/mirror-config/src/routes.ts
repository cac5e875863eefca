/**
 * `@ferry/mirror-config/routes`: the API's controllers and their route table, for the suites that
 * walk every route (permissions, input robustness, the API description). Importing it starts nothing.
 */
export { CONTROLLERS } from './app.module';
export { routeTable, type RouteEntry } from './auth/route-table';
