/**
 * The name under which the Argo Rollouts Gateway API traffic router plugin is registered and referenced: an upstream
 * fact that lib/delivery renders, lib/review reads back from rendered Rollouts and lib/validation checks.
 */
export const GATEWAY_API_PLUGIN_NAME = 'argoproj-labs/gatewayAPI';
