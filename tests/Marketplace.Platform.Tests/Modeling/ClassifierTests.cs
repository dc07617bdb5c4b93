using Marketplace.Modeling;

namespace Marketplace.Platform.Tests.Modeling;

public class ClassifierTests
{
    [Test]
    public void A_text_model_learns_spam_from_real_mails_and_predicts_with_a_calibrated_confidence()
    {
        var mails = ModelingData.Mails();
        var (classifier, measures) = Classifier.Train(ModelKind.Text, mails);
        Assert.That(measures.Labels, Is.EquivalentTo(new[] { "ham", "spam" }));
        Assert.That(measures.TrainingExamples + measures.HeldOutExamples, Is.EqualTo(60));
        Assert.That(measures.HeldOutExamples, Is.EqualTo(mails.Count(m => HeldOut.IsHeldOut(m.ItemId, TrainingRules.Default.HeldOutShare)))
            .Or.EqualTo(2), "the mails in the held-out range (at least one a label)");
        var predictions = classifier.Predict(mails.Select(m => new Unlabeled(m.ItemId, m.Text))).ToList();
        Assert.That(measures.HeldOutAccuracy, Is.GreaterThanOrEqualTo(0.8));
        Assert.That(measures.CalibrationError, Is.InRange(0.0, 1.0));

        Assert.That(predictions.Select(p => p.ItemId), Is.EqualTo(mails.Select(m => m.ItemId)));
        var right = predictions.Zip(mails).Count(p => p.First.Label == p.Second.Label);
        Assert.That(right, Is.GreaterThanOrEqualTo(54), "the training mails and the held-out ones, mostly right");
        Assert.That(predictions.All(p => p.Confidence is > 0 and < 1 && classifier.Calibration.Apply(p.RawProbability) == p.Confidence), Is.True);

        var again = Classifier.Load(classifier.Save());
        Assert.That(again.Predict(mails.Take(5).Select(m => new Unlabeled(m.ItemId, m.Text))).ToList(), Is.EqualTo(predictions.Take(5)));
    }

    [Test]
    public void A_version_trained_on_wrong_labels_is_not_adopted_over_a_good_one_and_weights_and_provisional_labels_count()
    {
        var mails = ModelingData.Mails();
        var (good, _) = Classifier.Train(ModelKind.Text, mails);
        var flipped = mails.Select(m => m with { Label = m.Label == "spam" ? "ham" : "spam" }).ToList();
        // Provisional labels train at their weight: all wrong at full weight beside a few right accepted ones, the model learns them.
        var misled = mails.Where((_, i) => i % 4 == 0).Concat(flipped.Where((_, i) => i % 4 != 0).Select(m => m with { Provisional = true })).ToList();
        var (bad, _) = Classifier.Train(ModelKind.Text, misled);
        var heldOut = mails.Where((_, i) => i % 3 == 0).ToList();
        var refused = Adoption.Compare(bad, good, heldOut);
        Assert.That((refused.Adopt, refused.Items), Is.EqualTo((false, 20)));
        Assert.That(refused.CandidateAccuracy, Is.LessThan(refused.CurrentAccuracy));
        Assert.That(Adoption.Compare(good, bad, heldOut).Adopt, Is.True);
        Assert.That(Adoption.Compare(good, null, heldOut), Has.Property("Adopt").True.And.Property("CurrentAccuracy").NaN);
        // The same wrong labels at weight 0 teach nothing wrong: the accepted ones win.
        var (unweighted, _) = Classifier.Train(ModelKind.Text, misled.Select(e => e.Provisional ? e with { Weight = 0 } : e).ToList());
        Assert.That(unweighted.Accuracy(heldOut), Is.GreaterThan(bad.Accuracy(heldOut)));
        Assert.Throws<ArgumentException>(() => Classifier.Train(ModelKind.Text, mails.Select(m => m with { Weight = 2 }).ToList()));
    }

    [Test]
    public void Too_few_accepted_labels_train_nothing() =>
        Assert.Throws<NotEnoughExamplesException>(() => Classifier.Train(ModelKind.Text, ModelingData.Mails().Take(8).ToList()));

    [Test]
    public void An_image_model_learns_from_resnet_features_of_real_photographs()
    {
        using var featurizer = new ImageFeaturizer();
        var examples = ModelingData.Photos().Select(p => new Example(p.Name, p.Label, Features: featurizer.Featurize(p.Bytes))).ToList();
        Assert.That(examples[0].Features, Has.Length.EqualTo(ImageFeaturizer.Size));
        Assert.That(examples[0].Features!.Any(f => f != 0), Is.True);
        var rules = TrainingRules.Default with { HeldOutShare = 0.25 };
        var (classifier, measures) = Classifier.Train(ModelKind.Image, examples, rules);
        Assert.That(measures.HeldOutExamples, Is.EqualTo(HeldOut.Split(examples, rules).Test.Count).And.InRange(4, 14));
        Assert.That(measures.HeldOutAccuracy, Is.GreaterThanOrEqualTo(0.75));
        var predictions = classifier.Predict(examples.Select(e => new Unlabeled(e.ItemId, Features: e.Features))).ToList();
        Assert.That(predictions.Zip(examples).Count(p => p.First.Label == p.Second.Label), Is.GreaterThanOrEqualTo(28));
    }

    [Test]
    public void An_image_that_cannot_be_decoded_is_refused_by_name()
    {
        using var featurizer = new ImageFeaturizer();
        var photo = ModelingData.Photos()[0].Bytes;
        Assert.Throws<ImageNotReadableException>(() => featurizer.Featurize("not an image"u8.ToArray()));
        Assert.Throws<ImageNotReadableException>(() => featurizer.Featurize(photo[..(photo.Length / 3)]));
    }
}
