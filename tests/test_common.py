"""scikit-learn's own estimator checks on every public estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from imbtune import (
    ImbalancedEnsemble,
    ImbalancedPipeline,
    ImbalancedSearchCV,
    TabularEncoder,
)

ESTIMATORS = [
    TabularEncoder(),
    ImbalancedPipeline("logreg", cv=3, random_state=0),
    ImbalancedPipeline(
        "lightgbm",
        classifier_params={"n_estimators": 20, "min_child_samples": 2},
        resampler="smote",
        calibration="sigmoid",
        cv=3,
        random_state=0,
    ),
    ImbalancedEnsemble(
        [
            ImbalancedPipeline("logreg"),
            ImbalancedPipeline("lightgbm", classifier_params={"n_estimators": 20}),
        ],
        weights=[2, 1],
        calibration="isotonic",
        cv=3,
        random_state=0,
    ),
    ImbalancedSearchCV(
        n_trials=3,
        classifiers=["logreg", "lightgbm"],
        resamplers=["none", "random_over"],
        cv=3,
        random_state=0,
    ),
]


def _expected_failed_checks(estimator):
    if isinstance(estimator, ImbalancedPipeline | ImbalancedEnsemble | ImbalancedSearchCV):
        return {
            # The one declared failure, as scikit-learn declares it for
            # TunedThresholdClassifierCV: predict applies the tuned decision
            # rule (a threshold, or per-class weights), so it is not
            # argmax(predict_proba) -- that is the point of threshold moving.
            "check_classifiers_train": (
                "predict follows the tuned threshold / class weights, not "
                "argmax(predict_proba)"
            ),
        }
    return {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)
