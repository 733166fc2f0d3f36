/**
 * PyTorch's default parameter initialization, drawn from netspec's seeded Rng.
 *
 * Every default PyTorch init of the ops netspec has is a uniform U(−bound, bound); only the
 * bound differs, and it is computed here with the same float64 arithmetic as PyTorch's Python
 * code, so the bounds are equal to the last bit. The draws are not PyTorch's (another
 * generator), so seeded weights are reproducible within netspec, not equal to torch's.
 *
 * - torch.nn.Linear.reset_parameters and torch.nn.Conv2d (_ConvNd.reset_parameters):
 *     init.kaiming_uniform_(self.weight, a=math.sqrt(5))
 *       gain  = calculate_gain('leaky_relu', a) = sqrt(2 / (1 + a²))   (= sqrt(1/3))
 *       std   = gain / sqrt(fan_in)
 *       bound = sqrt(3) · std                                           (≈ 1/sqrt(fan_in))
 *     bias: bound = 1 / sqrt(fan_in) if fan_in > 0 else 0
 *   where fan_in = weight.size(1) · receptive field: in_features for Linear, in_channels·kh·kw
 *   for Conv2d (groups = 1).
 * - torch.nn.LSTM (RNNBase.reset_parameters): every weight and bias, of every layer,
 *   U(−stdv, stdv) with stdv = 1 / sqrt(hidden_size).
 */
import type { Rng } from './rng.js';
export type ParameterInit = {
    kind: 'uniform';
    bound: number;
};
/** Weight of dense (fan_in = in_features) or conv2d (fan_in = in_channels·kh·kw). */
export declare function kaimingUniformInit(fanIn: number): ParameterInit;
/** Bias of dense or conv2d, with the fan_in of its weight. */
export declare function biasInit(fanIn: number): ParameterInit;
/** Every LSTM parameter (weight_ih_lk, weight_hh_lk, bias_ih_lk, bias_hh_lk). */
export declare function lstmInit(hidden: number): ParameterInit;
/** fan_in of a conv2d weight [out, in, kh, kw] or a dense weight [out, in]: the product of all but the first dim. */
export declare function fanIn(weightShape: readonly number[]): number;
/**
 * Fills `out` in index order (row-major over the PyTorch layout) with draws of U(−bound, bound)
 * from `rng`, one `rng.uniform()` per element. Callers initialize a model's parameters in the
 * order of its parameter list, so one seed fixes every weight.
 */
export declare function initParameter(rng: Rng, init: ParameterInit, out: Float32Array | Float64Array): void;
