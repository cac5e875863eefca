// The schemas of these answers are `@ferry/api-schema`'s, which the console and the CLI read too.
export { ROBOT_CREDENTIALS, ROBOT_LIST, ROBOT_VIEW, type RobotView } from '@ferry/api-schema';
