/* SPDX-License-Identifier: MIT */
/*
 * The battery's integrands, written once for two instantiations: scalar
 * (tests/battery.c, T = double, libm) and vector (bench/battery_simd.c,
 * T = four doubles, SLEEF). The includer defines
 *
 *   T              the argument and value type
 *   BFN(name)      the head of a function  T name(T x)
 *   EXP LOG SIN COS SQRT POW FABS COSH EXPM1 FLOOR   math on T (POW's
 *                  exponent is a constant)
 *   SEL(c, a, b)   a where the comparison c holds, else b (a, b: T or
 *                  constants)
 *
 * (battery.h lists every function in BATTERY_FNS.)
 */
#define PI 3.14159265358979323846

/* ---- Kahaner / Gander-Gautschi ---------------------------------------------- */

BFN(gg01) { return EXP(x); }
BFN(gg02) { return SEL(x >= 0.3, 1.0, 0.0); }
BFN(gg03) { return SQRT(x); }
BFN(gg04) { return 23.0 / 25 * COSH(x) - COS(x); }
BFN(gg05) { return 1 / (x * x * x * x + x * x + 0.9); }
BFN(gg06) { return SQRT(x * x * x); }
BFN(gg07) { return 1 / SQRT(x); }
BFN(gg08) { return 1 / (1 + x * x * x * x); }
BFN(gg09) { return 2 / (2 + SIN(10 * PI * x)); }
BFN(gg10) { return 1 / (1 + x); }
BFN(gg11) { return 1 / (1 + EXP(x)); }
BFN(gg12) { return x / EXPM1(x); }
BFN(gg13) { return SIN(100 * PI * x) / (PI * x); }
BFN(gg14) { return SQRT(50.0) * EXP(-50 * PI * x * x); }
BFN(gg15) { return 25 * EXP(-25 * x); }
BFN(gg16) { return 50 / (PI * (2500 * x * x + 1)); }
BFN(gg17)
{
    T s = SIN(50 * PI * x) / (50 * PI * x);
    return 50 * s * s;
}
BFN(gg18)
{
    return COS(COS(x) + 3 * SIN(x) + 2 * COS(2 * x) + 3 * SIN(2 * x)
               + 3 * COS(3 * x));
}
BFN(gg19) { return LOG(x); }
BFN(gg20) { return 1 / (x * x + 1.005); }
BFN(gg21)
{
    return 1 / COSH(20 * (x - 0.2)) + 1 / COSH(400 * (x - 0.4))
         + 1 / COSH(8000 * (x - 0.6));
}
BFN(gg22)
{
    return 4 * PI * PI * x * SIN(20 * PI * x) * COS(2 * PI * x);
}
BFN(gg23)
{
    T u = 230 * x - 30;
    return 1 / (1 + u * u);
}
BFN(gg24) { return FLOOR(EXP(x)); }
BFN(gg25)
{
    return SEL(x < 1, x + 1, SEL(x <= 3, 3 - x, 2.0));
}

/* ---- QUADPACK / GSL ------------------------------------------------------------ */

BFN(qp_f1a) { return POW(x, 2.6) * LOG(1 / x); }
BFN(qp_f1b) { return POW(x, -0.9) * LOG(1 / x); }
BFN(qp_f3) { return COS(2.4622888266898326 * SIN(x)); }
BFN(qp_f11) { return LOG(1 / x); }
BFN(qp_f15) { return x * x * EXP(-x / 32); }
BFN(qp_f16) { return 1 / ((1 + 10 * x) * (1 + 10 * x)); }
BFN(qp_f454)
{
    return x * x * x * LOG(FABS((x * x - 1) * (x * x - 2)));
}
BFN(qp_f455) { return LOG(x) / (1 + 100 * x * x); }

/* ---- Genz, one dimension ---------------------------------------------------------- */

BFN(gz_osc) { return COS(2 * PI * 0.3 + 10 * x); }
BFN(gz_prod)
{
    T d = x - 0.37;
    return 1 / (1.0 / 400 + d * d);
}
BFN(gz_corner) { return 1 / ((1 + 5 * x) * (1 + 5 * x)); }
BFN(gz_gauss)
{
    T d = x - 0.6;
    return EXP(-225 * d * d);
}
BFN(gz_cont) { return EXP(-9 * FABS(x - 0.42)); }
BFN(gz_disc) { return SEL(x > 0.5, 0.0, EXP(4 * x)); }

/* ---- infinite ranges ------------------------------------------------------------ */

BFN(inf_gauss) { return EXP(-x * x); }
BFN(inf_lorentz) { return 1 / (1 + x * x); }
BFN(inf_exp) { return EXP(-x); }
BFN(inf_inv2) { return 1 / (x * x); }
BFN(inf_sing) { return 1 / ((1 + x) * SQRT(x)); }
BFN(inf_damped) { return EXP(-x) * COS(x); }
BFN(inf_quartic) { return 1 / (1 + x * x * x * x); }
BFN(inf_normal)
{
    return EXP(-0.5 * x * x) * 0.39894228040143267794;
}
BFN(inf_xexp) { return x * EXP(-x); }

/* ---- oscillatory, peaked ------------------------------------------------------------ */

BFN(osc_xsin) { return x * SIN(50 * x); }
BFN(osc_sinc) { return SIN(x) / x; }
BFN(osc_cos100) { return COS(100 * x); }
BFN(pk_lorentz)
{
    T d = x - 0.3;
    return 1 / (1e-4 + d * d);
}
BFN(pk_gauss)
{
    T d = x - 0.25;
    return EXP(-1000 * d * d);
}
BFN(pk_sech2)
{
    T c = COSH(100 * (x - 0.5));
    return 1 / (c * c);
}

/* ---- singularities ---------------------------------------------------------------- */

BFN(sg_logsqrt) { return LOG(x) / SQRT(x); }
BFN(sg_x09) { return POW(x, -0.9); }
BFN(sg_log2)
{
    T l = LOG(x);
    return l * l;
}
BFN(sg_xlog) { return x * LOG(x); }
BFN(sg_arcsine) { return 1 / SQRT((1 - x) * (1 + x)); }
BFN(sg_semicircle) { return SQRT((1 - x) * (1 + x)); }
BFN(sg_inner_sqrt) { return 1 / SQRT(FABS(x - 1.0 / 3)); }
BFN(sg_inner_log) { return LOG(FABS(x - 0.7)); }

/* ---- heavy: many thousands of evaluations at epsrel 1e-10 ------------------------- */

BFN(hv_abssin) { return FABS(SIN(x)); }
BFN(hv_damped50) { return EXP(-x) * COS(50 * x); }
BFN(hv_peaks)
{
    /* twenty Lorentzian peaks of half-width 0.01 at k / 21 */
    T s = 0 * x;
    for (int k = 1; k <= 20; k++) {
        T d = x - k / 21.0;
        s = s + 1 / (1e-4 + d * d);
    }
    return s;
}
