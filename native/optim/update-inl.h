// The optimizer updates (optim/optim.h): one fused pass per parameter, compiled once per ISA (kernels/kernels-inl.h)
// with simd/vec-inl.h. Each reads the gradient and the state once and writes the parameter and the state once; the
// order of operations is PyTorch's single-tensor path, with its coefficients computed in double and rounded to float
// as PyTorch passes Python floats to float32 kernels.
//
// Shapes: param, grad and every state array hold n floats (the parameter's elements, in any layout: the update is
// elementwise). Optional state arrays are nullptr when unused.

// sqrt of each lane: one vector instruction (the build passes -fno-math-errno, so GCC needs no errno branch).
inline VecF vsqrt(VecF v) {
  for (int i = 0; i < kLanes; ++i) v[i] = __builtin_sqrtf(v[i]);
  return v;
}

// The gradient the algorithm sees (see GradPrep): clamp(grad * scale, -clip, clip), negated to maximize, plus the L2
// term weight_decay * param.
struct PreparedGrad {
  float scale, clip, sign, weight_decay;
  bool has_decay;
  explicit PreparedGrad(const GradPrep& p)
      : scale(static_cast<float>(p.scale)),
        clip(static_cast<float>(p.clip)),
        sign(p.maximize ? -1.0f : 1.0f),
        weight_decay(static_cast<float>(p.weight_decay)),
        has_decay(p.weight_decay != 0) {}
  VecF operator()(VecF grad, VecF param) const {
    const VecF g = clamp(grad * scale, -clip, clip) * sign;
    return has_decay ? g + param * weight_decay : g;
  }
};

// torch.optim.SGD:  b = first ? g : momentum b + (1 - dampening) g;  d = nesterov ? g + momentum b : b;  p -= lr d
// (with momentum 0: p -= lr g, and buf is not used).
inline void sgd_update(const SgdStep& s, float* param, const float* grad, float* buf, int64_t n) {
  const PreparedGrad prep(s.prep);
  const bool has_momentum = s.momentum != 0;
  const float momentum = static_cast<float>(s.momentum);
  const float keep = static_cast<float>(1 - s.dampening);
  const float neg_lr = static_cast<float>(-s.lr);
  for_each_lanes(n, [&](int64_t j, auto l) {
    const VecF p = l.load(param + j);
    const VecF g = prep(l.load(grad + j), p);
    VecF d = g;
    if (has_momentum) {
      const VecF b = s.first_step ? g : l.load(buf + j) * momentum + g * keep;
      l.store(buf + j, b);
      d = s.nesterov ? g + b * momentum : b;
    }
    l.store(param + j, p + d * neg_lr);
  });
}

// torch.optim.Adam / AdamW, at step t:
//   p *= 1 - lr decoupled_decay                    (AdamW)
//   m = beta1 m + (1 - beta1) g;   v = beta2 v + (1 - beta2) g^2;   vmax = max(vmax, v)   (AMSGrad)
//   p -= lr / (1 - beta1^t) * m / (sqrt(v or vmax) / sqrt(1 - beta2^t) + eps)
inline void adam_update(const AdamStep& s, float* param, const float* grad, float* exp_avg, float* exp_avg_sq,
                        float* max_exp_avg_sq, int64_t n) {
  const PreparedGrad prep(s.prep);
  const float beta1 = static_cast<float>(s.beta1), beta2 = static_cast<float>(s.beta2);
  const float one_minus_beta1 = static_cast<float>(1 - s.beta1), one_minus_beta2 = static_cast<float>(1 - s.beta2);
  const double bias_correction1 = 1 - std::pow(s.beta1, s.step);
  const double bias_correction2 = 1 - std::pow(s.beta2, s.step);
  const float neg_step_size = static_cast<float>(-(s.lr / bias_correction1));
  const float inv_bias_correction2_sqrt = static_cast<float>(1 / std::sqrt(bias_correction2));
  const float eps = static_cast<float>(s.eps);
  const bool decoupled = s.decoupled_decay != 0;
  const float decay = static_cast<float>(1 - s.lr * s.decoupled_decay);
  const bool amsgrad = max_exp_avg_sq != nullptr;
  for_each_lanes(n, [&](int64_t j, auto l) {
    VecF p = l.load(param + j);
    if (decoupled) p = p * decay;
    const VecF g = prep(l.load(grad + j), p);
    const VecF m = l.load(exp_avg + j) * beta1 + g * one_minus_beta1;
    const VecF v = l.load(exp_avg_sq + j) * beta2 + g * g * one_minus_beta2;
    l.store(exp_avg + j, m);
    l.store(exp_avg_sq + j, v);
    VecF second = v;
    if (amsgrad) {
      const VecF old = l.load(max_exp_avg_sq + j);
      second = old > v ? old : v;
      l.store(max_exp_avg_sq + j, second);
    }
    const VecF denom = vsqrt(second) * inv_bias_correction2_sqrt + eps;
    l.store(param + j, p + m * neg_step_size / denom);
  });
}

// torch.optim.RMSprop:
//   s = alpha s + (1 - alpha) g^2;   centered: a = alpha a + (1 - alpha) g, avg = sqrt(s - a^2) + eps, else
//   avg = sqrt(s) + eps;   momentum > 0: b = momentum b + g / avg, p -= lr b;   else p -= lr g / avg
inline void rmsprop_update(const RmspropStep& s, float* param, const float* grad, float* square_avg, float* grad_avg,
                           float* buf, int64_t n) {
  const PreparedGrad prep(s.prep);
  const float alpha = static_cast<float>(s.alpha), one_minus_alpha = static_cast<float>(1 - s.alpha);
  const float eps = static_cast<float>(s.eps), momentum = static_cast<float>(s.momentum);
  const float neg_lr = static_cast<float>(-s.lr);
  const bool centered = grad_avg != nullptr, has_momentum = s.momentum > 0;
  for_each_lanes(n, [&](int64_t j, auto l) {
    const VecF p = l.load(param + j);
    const VecF g = prep(l.load(grad + j), p);
    const VecF sq = l.load(square_avg + j) * alpha + g * g * one_minus_alpha;
    l.store(square_avg + j, sq);
    VecF avg;
    if (centered) {
      const VecF a = l.load(grad_avg + j) * alpha + g * one_minus_alpha;
      l.store(grad_avg + j, a);
      avg = vsqrt(sq - a * a) + eps;
    } else {
      avg = vsqrt(sq) + eps;
    }
    if (has_momentum) {
      const VecF b = l.load(buf + j) * momentum + g / avg;
      l.store(buf + j, b);
      l.store(param + j, p + b * neg_lr);
    } else {
      l.store(param + j, p + neg_lr * g / avg);
    }
  });
}

// torch.optim.Adagrad, at step t:  clr = lr / (1 + (t - 1) lr_decay);  sum += g^2;  p -= clr g / (sqrt(sum) + eps)
inline void adagrad_update(const AdagradStep& s, float* param, const float* grad, float* sum, int64_t n) {
  const PreparedGrad prep(s.prep);
  const float neg_clr = static_cast<float>(-(s.lr / (1 + (s.step - 1) * s.lr_decay)));
  const float eps = static_cast<float>(s.eps);
  for_each_lanes(n, [&](int64_t j, auto l) {
    const VecF p = l.load(param + j);
    const VecF g = prep(l.load(grad + j), p);
    const VecF acc = l.load(sum + j) + g * g;
    l.store(sum + j, acc);
    l.store(param + j, p + neg_clr * g / (vsqrt(acc) + eps));
  });
}
