/* SPDX-License-Identifier: MIT */
/* The accuracy battery (see battery.h). */
#include "battery.h"

#include <math.h>

#define PI 3.14159265358979323846

/* ---- Kahaner / Gander-Gautschi ---------------------------------------------- */

static double gg01(double x) { return exp(x); }
static double gg02(double x) { return x >= 0.3 ? 1.0 : 0.0; }
static double gg03(double x) { return sqrt(x); }
static double gg04(double x) { return 23.0 / 25 * cosh(x) - cos(x); }
static double gg05(double x) { return 1 / (x * x * x * x + x * x + 0.9); }
static double gg06(double x) { return sqrt(x * x * x); }
static double gg07(double x) { return 1 / sqrt(x); }
static double gg08(double x) { return 1 / (1 + x * x * x * x); }
static double gg09(double x) { return 2 / (2 + sin(10 * PI * x)); }
static double gg10(double x) { return 1 / (1 + x); }
static double gg11(double x) { return 1 / (1 + exp(x)); }
static double gg12(double x) { return x / expm1(x); }
static double gg13(double x) { return sin(100 * PI * x) / (PI * x); }
static double gg14(double x) { return sqrt(50.0) * exp(-50 * PI * x * x); }
static double gg15(double x) { return 25 * exp(-25 * x); }
static double gg16(double x) { return 50 / (PI * (2500 * x * x + 1)); }
static double gg17(double x)
{
    double s = sin(50 * PI * x) / (50 * PI * x);
    return 50 * s * s;
}
static double gg18(double x)
{
    return cos(cos(x) + 3 * sin(x) + 2 * cos(2 * x) + 3 * sin(2 * x)
               + 3 * cos(3 * x));
}
static double gg19(double x) { return log(x); }
static double gg20(double x) { return 1 / (x * x + 1.005); }
static double gg21(double x)
{
    return 1 / cosh(20 * (x - 0.2)) + 1 / cosh(400 * (x - 0.4))
         + 1 / cosh(8000 * (x - 0.6));
}
static double gg22(double x)
{
    return 4 * PI * PI * x * sin(20 * PI * x) * cos(2 * PI * x);
}
static double gg23(double x)
{
    double u = 230 * x - 30;
    return 1 / (1 + u * u);
}
static double gg24(double x) { return floor(exp(x)); }
static double gg25(double x)
{
    return x < 1 ? x + 1 : x <= 3 ? 3 - x : 2;
}

/* ---- QUADPACK / GSL ------------------------------------------------------------ */

static double qp_f1a(double x) { return pow(x, 2.6) * log(1 / x); }
static double qp_f1b(double x) { return pow(x, -0.9) * log(1 / x); }
static double qp_f3(double x) { return cos(pow(2.0, 1.3) * sin(x)); }
static double qp_f11(double x) { return log(1 / x); }
static double qp_f15(double x) { return x * x * exp(-x / 32); }
static double qp_f16(double x) { return 1 / ((1 + 10 * x) * (1 + 10 * x)); }
static double qp_f454(double x)
{
    return x * x * x * log(fabs((x * x - 1) * (x * x - 2)));
}
static double qp_f455(double x) { return log(x) / (1 + 100 * x * x); }

/* ---- Genz, one dimension ---------------------------------------------------------- */

static double gz_osc(double x) { return cos(2 * PI * 0.3 + 10 * x); }
static double gz_prod(double x)
{
    double d = x - 0.37;
    return 1 / (1.0 / 400 + d * d);
}
static double gz_corner(double x) { return 1 / ((1 + 5 * x) * (1 + 5 * x)); }
static double gz_gauss(double x)
{
    double d = x - 0.6;
    return exp(-225 * d * d);
}
static double gz_cont(double x) { return exp(-9 * fabs(x - 0.42)); }
static double gz_disc(double x) { return x > 0.5 ? 0.0 : exp(4 * x); }

/* ---- infinite ranges ------------------------------------------------------------ */

static double inf_gauss(double x) { return exp(-x * x); }
static double inf_lorentz(double x) { return 1 / (1 + x * x); }
static double inf_exp(double x) { return exp(-x); }
static double inf_inv2(double x) { return 1 / (x * x); }
static double inf_sing(double x) { return 1 / ((1 + x) * sqrt(x)); }
static double inf_damped(double x) { return exp(-x) * cos(x); }
static double inf_quartic(double x) { return 1 / (1 + x * x * x * x); }
static double inf_normal(double x)
{
    return exp(-0.5 * x * x) * 0.39894228040143267794;
}
static double inf_xexp(double x) { return x * exp(-x); }

/* ---- oscillatory, peaked ------------------------------------------------------------ */

static double osc_xsin(double x) { return x * sin(50 * x); }
static double osc_sinc(double x) { return sin(x) / x; }
static double osc_cos100(double x) { return cos(100 * x); }
static double pk_lorentz(double x)
{
    double d = x - 0.3;
    return 1 / (1e-4 + d * d);
}
static double pk_gauss(double x)
{
    double d = x - 0.25;
    return exp(-1000 * d * d);
}
static double pk_sech2(double x)
{
    double c = cosh(100 * (x - 0.5));
    return 1 / (c * c);
}

/* ---- singularities ---------------------------------------------------------------- */

static double sg_logsqrt(double x) { return log(x) / sqrt(x); }
static double sg_x09(double x) { return pow(x, -0.9); }
static double sg_log2(double x)
{
    double l = log(x);
    return l * l;
}
static double sg_xlog(double x) { return x * log(x); }
static double sg_arcsine(double x) { return 1 / sqrt((1 - x) * (1 + x)); }
static double sg_semicircle(double x) { return sqrt((1 - x) * (1 + x)); }
static double sg_inner_sqrt(double x) { return 1 / sqrt(fabs(x - 1.0 / 3)); }
static double sg_inner_log(double x) { return log(fabs(x - 0.7)); }

static const double pt_gg02[] = {0.3};
static const double pt_gg24[] = {
    0.69314718055994530942, 1.09861228866810969140, 1.38629436111989061883,
    1.60943791243410037460, 1.79175946922805500081, 1.94591014905531330511,
    2.07944154167983592825, 2.19722457733621938279, 2.30258509299404568402,
    2.39789527279837054406, 2.48490664978800031023, 2.56494935746153673605,
    2.63905732961525861466, 2.70805020110221006599, 2.77258872223978123767,
    2.83321334405621608025, 2.89037175789616469011, 2.94443897916644046001,
    2.99573227355399099344,
};
static const double pt_gg25[] = {1, 3};
/* The narrowest peak (width 1/8000) bracketed with margin: a breakpoint at
 * its centre, or one where its tail is still large, would put peak or tail
 * in the margins next to the breakpoint that no Gauss-Kronrod node reaches.
 * Its tails are below 1e-17 at 0.595 and 0.605. */
static const double pt_gg21[] = {0.595, 0.605};
static const double pt_f454[] = {1, 1.41421356237309504880};
static const double pt_third[] = {1.0 / 3};
static const double pt_07[] = {0.7};
static const double pt_disc[] = {0.5};
static const double pt_cont[] = {0.42};

#define P(pts) pts, sizeof pts / sizeof *pts

const battery_problem battery[] = {
    /* name, source, f, a, b, exact, points, npoints, flags */
    {"exp(x)", "Kahaner 1", gg01, 0, 1, 1.7182818284590453, NULL, 0, 0},
    {"step at 0.3", "Kahaner 2", gg02, 0, 1, 0.69999999999999996, NULL, 0, BATTERY_HARD},
    {"step at 0.3, breakpoint", "Kahaner 2", gg02, 0, 1, 0.69999999999999996, P(pt_gg02), 0},
    {"sqrt(x)", "Kahaner 3", gg03, 0, 1, 0.66666666666666663, NULL, 0, BATTERY_SINGULAR},
    {"23/25 cosh x - cos x", "Kahaner 4", gg04, -1, 1, 0.47942822668880164, NULL, 0, 0},
    {"1/(x^4+x^2+0.9)", "Kahaner 5", gg05, -1, 1, 1.5822329637296728, NULL, 0, 0},
    {"x^1.5", "Kahaner 6", gg06, 0, 1, 0.40000000000000002, NULL, 0, BATTERY_SINGULAR},
    {"1/sqrt(x)", "Kahaner 7", gg07, 0, 1, 2, NULL, 0, BATTERY_SINGULAR},
    {"1/(1+x^4)", "Kahaner 8", gg08, 0, 1, 0.86697298733991102, NULL, 0, 0},
    {"2/(2+sin(10 pi x))", "Kahaner 9", gg09, 0, 1, 1.1547005383792515, NULL, 0, 0},
    {"1/(1+x)", "Kahaner 10", gg10, 0, 1, 0.69314718055994529, NULL, 0, 0},
    {"1/(1+e^x)", "Kahaner 11", gg11, 0, 1, 0.37988549304172248, NULL, 0, 0},
    {"x/(e^x-1)", "Kahaner 12", gg12, 0, 1, 0.77750463411224824, NULL, 0, 0},
    {"sin(100 pi x)/(pi x)", "Kahaner 13", gg13, 0.1, 1, 0.0090986375391668428, NULL, 0, 0},
    {"sqrt(50) exp(-50 pi x^2)", "Kahaner 14", gg14, 0, 10, 0.5, NULL, 0, 0},
    {"25 exp(-25 x)", "Kahaner 15", gg15, 0, 10, 1, NULL, 0, 0},
    {"50/(pi(2500x^2+1))", "Kahaner 16", gg16, 0, 10, 0.49936338107645672, NULL, 0, 0},
    {"50 sinc^2(50 pi x)", "Kahaner 17", gg17, 0.01, 1, 0.11213930374163741, NULL, 0, 0},
    {"cos(cos x + 3 sin x + ...)", "Kahaner 18", gg18, 0, 3.14159265358979323846, 0.8386763426944297, NULL, 0, 0},
    {"log(x)", "Kahaner 19", gg19, 0, 1, -1, NULL, 0, BATTERY_SINGULAR},
    {"1/(x^2+1.005)", "Kahaner 20", gg20, -1, 1, 1.5643964440690499, NULL, 0, 0},
    {"three sech peaks", "Kahaner 21", gg21, 0, 1, 0.16349494301863723, NULL, 0, BATTERY_TRAP},
    {"three sech peaks, peak bracketed", "Kahaner 21", gg21, 0, 1, 0.16349494301863723, P(pt_gg21), 0},
    {"4 pi^2 x sin(20 pi x) cos(2 pi x)", "Kahaner 22", gg22, 0, 1, -0.63466518254339255, NULL, 0, 0},
    {"1/(1+(230x-30)^2)", "Kahaner 23", gg23, 0, 1, 0.013492485649467773, NULL, 0, 0},
    {"floor(e^x)", "Kahaner 24", gg24, 0, 3, 17.664383539246515, NULL, 0, BATTERY_TRAP},
    {"floor(e^x), breakpoints", "Kahaner 24", gg24, 0, 3, 17.664383539246515, P(pt_gg24), 0},
    {"piecewise linear, breakpoints", "Kahaner 25", gg25, 0, 5, 7.5, P(pt_gg25), 0},

    {"x^2.6 log(1/x)", "QUADPACK f1", qp_f1a, 0, 1, 0.07716049382716049, NULL, 0, BATTERY_SINGULAR},
    {"x^-0.9 log(1/x)", "QUADPACK f1", qp_f1b, 0, 1, 100.00000000000004, NULL, 0, BATTERY_SINGULAR},
    {"cos(2^1.3 sin x)", "QUADPACK f3", qp_f3, 0, 3.14159265358979323846, -0.092566561292995578, NULL, 0, 0},
    {"log(1/x)", "QUADPACK f11", qp_f11, 0, 1, 1, NULL, 0, BATTERY_SINGULAR},
    {"x^2 exp(-x/32)", "QUADPACK f15", qp_f15, 0, INFINITY, 65536, NULL, 0, 0},
    {"1/(1+10x)^2", "QUADPACK f16", qp_f16, 0, INFINITY, 0.10000000000000001, NULL, 0, 0},
    {"x^3 log|(x^2-1)(x^2-2)|", "QUADPACK f454", qp_f454, 0, 3, 52.740748383471448, P(pt_f454), 0},
    {"log(x)/(1+100x^2)", "QUADPACK f455", qp_f455, 0, INFINITY, -0.36168922062077324, NULL, 0, BATTERY_SINGULAR},

    {"oscillatory", "Genz 1", gz_osc, 0, 1, -0.15809491930974992, NULL, 0, 0},
    {"product peak", "Genz 2", gz_prod, 0, 1, 58.561442813347462, NULL, 0, 0},
    {"corner peak", "Genz 3", gz_corner, 0, 1, 0.16666666666666666, NULL, 0, 0},
    {"gaussian", "Genz 4", gz_gauss, 0, 1, 0.11816359006036774, NULL, 0, 0},
    {"continuous", "Genz 5", gz_cont, 0, 1, 0.21908555327205179, NULL, 0, 0},
    {"continuous, breakpoint", "Genz 5", gz_cont, 0, 1, 0.21908555327205179, P(pt_cont), 0},
    {"discontinuous, breakpoint", "Genz 6", gz_disc, 0, 1, 1.5972640247326626, P(pt_disc), 0},

    {"exp(-x^2)", "infinite", inf_gauss, -INFINITY, INFINITY, 1.7724538509055161, NULL, 0, 0},
    {"1/(1+x^2)", "infinite", inf_lorentz, -INFINITY, INFINITY, 3.1415926535897931, NULL, 0, 0},
    {"exp(-x)", "semi-infinite", inf_exp, 0, INFINITY, 1, NULL, 0, 0},
    {"1/x^2", "semi-infinite", inf_inv2, 1, INFINITY, 1, NULL, 0, 0},
    {"1/((1+x) sqrt(x))", "semi-infinite", inf_sing, 0, INFINITY, 3.1415926535897931, NULL, 0, BATTERY_SINGULAR},
    {"exp(-x) cos(x)", "semi-infinite", inf_damped, 0, INFINITY, 0.5, NULL, 0, 0},
    {"exp(-x^2) on (-inf, 38]", "semi-infinite", inf_gauss, -INFINITY, 38, 1.7724538509055161, NULL, 0, 0},
    {"1/(1+x^4)", "semi-infinite", inf_quartic, 0, INFINITY, 1.1107207345395915, NULL, 0, 0},
    {"normal density to 1.5", "semi-infinite", inf_normal, -INFINITY, 1.5, 0.93319279873114203, NULL, 0, 0},
    {"x exp(-x)", "semi-infinite", inf_xexp, 0, INFINITY, 1, NULL, 0, 0},

    {"x sin(50x)", "oscillatory", osc_xsin, 0, 3.14159265358979323846, -0.062831853071795868, NULL, 0, 0},
    {"sin(x)/x on [0, 100]", "oscillatory", osc_sinc, 0, 100, 1.5622254668890563, NULL, 0, 0},
    {"cos(100x)", "oscillatory", osc_cos100, 0, 1, -0.005063656411097588, NULL, 0, 0},
    {"1/(1e-4+(x-0.3)^2)", "peaked", pk_lorentz, 0, 1, 309.39869151241493, NULL, 0, 0},
    {"exp(-1000(x-0.25)^2)", "peaked", pk_gauss, 0, 1, 0.056049912163979289, NULL, 0, 0},
    {"sech^2(100(x-0.5))", "peaked", pk_sech2, 0, 1, 0.02, NULL, 0, 0},

    {"log(x)/sqrt(x)", "singular", sg_logsqrt, 0, 1, -4, NULL, 0, BATTERY_SINGULAR},
    {"x^-0.9", "singular", sg_x09, 0, 1, 10.000000000000002, NULL, 0, BATTERY_SINGULAR},
    {"log(x)^2", "singular", sg_log2, 0, 1, 2, NULL, 0, BATTERY_SINGULAR},
    {"x log(x)", "singular", sg_xlog, 0, 1, -0.25, NULL, 0, BATTERY_SINGULAR},
    {"1/sqrt(1-x^2)", "singular", sg_arcsine, -1, 1, 3.1415926535897931, NULL, 0, BATTERY_SINGULAR},
    {"sqrt(1-x^2)", "singular", sg_semicircle, -1, 1, 1.5707963267948966, NULL, 0, BATTERY_SINGULAR},
    {"|x-1/3|^-0.5, breakpoint", "singular", sg_inner_sqrt, 0, 1, 2.7876937002347035, P(pt_third), 0},
    {"log|x-0.7|, breakpoint", "singular", sg_inner_log, 0, 1, -1.6108643020548934, P(pt_07), 0},
};

const size_t battery_count = sizeof battery / sizeof *battery;

int battery_batch(size_t n, const double *x, double *y, void *ctx)
{
    const battery_problem *p = ctx;
    for (size_t i = 0; i < n; i++)
        y[i] = p->f(x[i]);
    return 0;
}
