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
        Assert.That((measures.TrainingExamples, measures.HeldOutExamples), Is.EqualTo((48, 12)));
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
    public void Too_few_accepted_labels_train_nothing() =>
        Assert.Throws<NotEnoughExamplesException>(() => Classifier.Train(ModelKind.Text, ModelingData.Mails().Take(8).ToList()));

    [Test]
    public void An_image_model_learns_from_resnet_features_of_real_photographs()
    {
        using var featurizer = new ImageFeaturizer();
        var examples = ModelingData.Photos().Select(p => new Example(p.Name, p.Label, Features: featurizer.Featurize(p.Bytes))).ToList();
        Assert.That(examples[0].Features, Has.Length.EqualTo(ImageFeaturizer.Size));
        Assert.That(examples[0].Features!.Any(f => f != 0), Is.True);
        var (classifier, measures) = Classifier.Train(ModelKind.Image, examples);
        Assert.That(measures.HeldOutExamples, Is.EqualTo(8));
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
